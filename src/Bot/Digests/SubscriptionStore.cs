using Bot.Chat;
using Bot.Data;
using Dapper;

namespace Bot.Digests;

/// <summary>A conversation that receives one kind of digest, from <see cref="SubscribedAt"/> on.</summary>
internal sealed record DigestSubscription(long Id, ChatAddress Address, DigestKind Kind, string SubscribedBy, DateTimeOffset SubscribedAt);

/// <summary>Who gets which digest. Unsubscribing keeps the row so the delivery log still points somewhere.</summary>
internal sealed class SubscriptionStore(Database database)
{
    // Re-subscribing starts afresh: periods that fell due while unsubscribed are not owed.
    private const string SubscribeSql = """
        INSERT INTO digest_subscriptions (platform, conversation_id, kind, subscribed_by, subscribed_at)
        VALUES (@Platform, @ConversationId, @Kind, @SubscribedBy, @SubscribedAt)
        ON CONFLICT (platform, conversation_id, kind) DO UPDATE
            SET subscribed_by = excluded.subscribed_by, subscribed_at = excluded.subscribed_at, unsubscribed_at = NULL
            WHERE digest_subscriptions.unsubscribed_at IS NOT NULL
        """;

    /// <summary>True when the conversation was not subscribed to this kind before.</summary>
    public async Task<bool> SubscribeAsync(ChatAddress address, DigestKind kind, string subscribedBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(SubscribeSql, new
        {
            address.Platform,
            address.ConversationId,
            Kind = kind.Name(),
            SubscribedBy = subscribedBy,
            SubscribedAt = now.ToUnixTimeMilliseconds(),
        }, cancellationToken: cancellationToken));
        return changed > 0;
    }

    private const string UnsubscribeSql = """
        UPDATE digest_subscriptions SET unsubscribed_at = @Now
        WHERE platform = @Platform AND conversation_id = @ConversationId AND kind = @Kind AND unsubscribed_at IS NULL
        """;

    // A digest not yet posted is not posted after the conversation asked to stop; the row says why.
    private const string CancelPendingSql = """
        UPDATE digest_deliveries SET status = 'cancelled', last_error = 'unsubscribed before it was posted', lease_owner = NULL, lease_until = NULL, updated_at = @Now
        WHERE status = 'pending' AND subscription_id IN (
            SELECT id FROM digest_subscriptions WHERE platform = @Platform AND conversation_id = @ConversationId AND kind = @Kind)
        """;

    /// <summary>The kinds that were active and are now stopped.</summary>
    public async Task<IReadOnlyList<DigestKind>> UnsubscribeAsync(ChatAddress address, IReadOnlyList<DigestKind> kinds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var stopped = new List<DigestKind>();
        foreach (var kind in kinds)
        {
            var parameters = new { address.Platform, address.ConversationId, Kind = kind.Name(), Now = now.ToUnixTimeMilliseconds() };
            if (await connection.ExecuteAsync(new CommandDefinition(UnsubscribeSql, parameters, transaction, cancellationToken: cancellationToken)) > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(CancelPendingSql, parameters, transaction, cancellationToken: cancellationToken));
                stopped.Add(kind);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return stopped;
    }

    private const string ActiveSql = """
        SELECT id, platform, conversation_id, kind, subscribed_by, subscribed_at
        FROM digest_subscriptions WHERE unsubscribed_at IS NULL ORDER BY id
        """;

    public async Task<IReadOnlyList<DigestSubscription>> ActiveAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SubscriptionRow>(new CommandDefinition(ActiveSql, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToSubscription()).ToList();
    }

    private const string ForConversationSql = """
        SELECT id, platform, conversation_id, kind, subscribed_by, subscribed_at
        FROM digest_subscriptions
        WHERE platform = @Platform AND conversation_id = @ConversationId AND unsubscribed_at IS NULL
        ORDER BY kind
        """;

    public async Task<IReadOnlyList<DigestSubscription>> ForConversationAsync(ChatAddress address, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SubscriptionRow>(new CommandDefinition(ForConversationSql, new { address.Platform, address.ConversationId }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToSubscription()).ToList();
    }

#pragma warning disable IDE1006, SA1300 // column names, as Dapper maps them
    private sealed record SubscriptionRow(long id, string platform, string conversation_id, string kind, string subscribed_by, long subscribed_at)
    {
        public DigestSubscription ToSubscription() =>
            new(id, new ChatAddress(platform, conversation_id), DigestKinds.Parse(kind), subscribed_by, DateTimeOffset.FromUnixTimeMilliseconds(subscribed_at));
    }
#pragma warning restore IDE1006, SA1300
}
