using Bot.Chat;
using Bot.Data;
using Dapper;

namespace Bot.Digests;

internal enum DeliveryStatus
{
    Pending,
    Sent,
    Failed,
    Cancelled,
}

/// <summary>One row of the delivery log: a digest owed to a subscription for a period, and what became of it.</summary>
internal sealed record DigestDelivery(
    long Id,
    long SubscriptionId,
    DigestKind Kind,
    string Period,
    DateTimeOffset DueAt,
    DeliveryStatus Status,
    int Attempts,
    string? LastError,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? SentAt);

/// <summary>A pending delivery with the conversation it goes to.</summary>
internal sealed record DueDelivery(DigestDelivery Delivery, ChatAddress Address);

/// <summary>
/// The delivery log in SQLite: it, not the trigger, decides whether a digest is posted. A claim row per
/// (subscription, kind, period) is inserted once; a post needs a lease on that row taken by a conditional UPDATE,
/// so a double fire or a second instance finds nothing to do.
/// </summary>
internal sealed class DeliveryLog(Database database)
{
    private const string ClaimedPeriodsSql = "SELECT period FROM digest_deliveries WHERE subscription_id = @SubscriptionId AND kind = @Kind";

    public async Task<IReadOnlySet<string>> ClaimedPeriodsAsync(long subscriptionId, DigestKind kind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var periods = await connection.QueryAsync<string>(new CommandDefinition(ClaimedPeriodsSql, new { SubscriptionId = subscriptionId, Kind = kind.Name() }, cancellationToken: cancellationToken));
        return periods.ToHashSet(StringComparer.Ordinal);
    }

    private const string ClaimSql = """
        INSERT INTO digest_deliveries (subscription_id, kind, period, due_at, status, attempts, next_attempt_at, updated_at)
        VALUES (@SubscriptionId, @Kind, @Period, @DueAt, 'pending', 0, @DueAt, @Now)
        ON CONFLICT (subscription_id, kind, period) DO NOTHING
        """;

    /// <summary>Records that the period is owed; false when it already was (by this or another instance).</summary>
    public async Task<bool> ClaimAsync(long subscriptionId, DigestKind kind, string period, DateTimeOffset dueAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(ClaimSql, new
        {
            SubscriptionId = subscriptionId,
            Kind = kind.Name(),
            Period = period,
            DueAt = dueAt.ToUnixTimeMilliseconds(),
            Now = now.ToUnixTimeMilliseconds(),
        }, cancellationToken: cancellationToken));
        return inserted > 0;
    }

    private const string DueSql = """
        SELECT d.id, d.subscription_id, d.kind, d.period, d.due_at, d.status, d.attempts, d.last_error, d.next_attempt_at, d.sent_at,
               s.platform, s.conversation_id
        FROM digest_deliveries d JOIN digest_subscriptions s ON s.id = d.subscription_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= @Now AND (d.lease_until IS NULL OR d.lease_until < @Now)
          AND s.unsubscribed_at IS NULL
        ORDER BY d.due_at, d.id
        """;

    public async Task<IReadOnlyList<DueDelivery>> DueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DueRow>(new CommandDefinition(DueSql, new { Now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return rows.Select(r => new DueDelivery(r.ToDelivery(), new ChatAddress(r.platform, r.conversation_id))).ToList();
    }

    // The one statement that decides who posts: only one caller can move an unleased, due row to leased.
    private const string LeaseSql = """
        UPDATE digest_deliveries SET lease_owner = @Owner, lease_until = @LeaseUntil, attempts = attempts + 1, updated_at = @Now
        WHERE id = @Id AND status = 'pending' AND next_attempt_at <= @Now AND (lease_until IS NULL OR lease_until < @Now)
        """;

    public async Task<bool> TryLeaseAsync(long id, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var leased = await connection.ExecuteAsync(new CommandDefinition(LeaseSql, new
        {
            Id = id,
            Owner = owner,
            Now = now.ToUnixTimeMilliseconds(),
            LeaseUntil = leaseUntil.ToUnixTimeMilliseconds(),
        }, cancellationToken: cancellationToken));
        return leased == 1;
    }

    private const string SentSql = """
        UPDATE digest_deliveries SET status = 'sent', sent_at = @Now, lease_owner = NULL, lease_until = NULL, updated_at = @Now
        WHERE id = @Id AND lease_owner = @Owner
        """;

    public async Task MarkSentAsync(long id, string owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(SentSql, new { Id = id, Owner = owner, Now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    private const string FailedSql = """
        UPDATE digest_deliveries
        SET status = @Status, last_error = @Error, next_attempt_at = @NextAttemptAt, lease_owner = NULL, lease_until = NULL, updated_at = @Now
        WHERE id = @Id AND lease_owner = @Owner
        """;

    /// <summary>Records a failed try: pending again from <paramref name="retryAt"/>, or failed for good when it is null.</summary>
    public async Task MarkFailedAsync(long id, string owner, string error, DateTimeOffset now, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(FailedSql, new
        {
            Id = id,
            Owner = owner,
            Status = retryAt is null ? "failed" : "pending",
            Error = error.Length > 500 ? error[..500] : error,
            NextAttemptAt = (retryAt ?? now).ToUnixTimeMilliseconds(),
            Now = now.ToUnixTimeMilliseconds(),
        }, cancellationToken: cancellationToken));
    }

    private const string LatestSql = """
        SELECT id, subscription_id, kind, period, due_at, status, attempts, last_error, next_attempt_at, sent_at
        FROM digest_deliveries WHERE subscription_id = @SubscriptionId
        ORDER BY due_at DESC, id DESC LIMIT @Limit
        """;

    /// <summary>The newest deliveries of a subscription, newest first.</summary>
    public async Task<IReadOnlyList<DigestDelivery>> LatestAsync(long subscriptionId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DeliveryRow>(new CommandDefinition(LatestSql, new { SubscriptionId = subscriptionId, Limit = limit }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToDelivery()).ToList();
    }

    private static DateTimeOffset FromMillis(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis);

    private static DeliveryStatus ParseStatus(string status) => status switch
    {
        "pending" => DeliveryStatus.Pending,
        "sent" => DeliveryStatus.Sent,
        "failed" => DeliveryStatus.Failed,
        "cancelled" => DeliveryStatus.Cancelled,
        _ => throw new InvalidOperationException($"Unknown delivery status '{status}' in the database."),
    };

#pragma warning disable IDE1006, SA1300 // column names, as Dapper maps them
    private record DeliveryRow(long id, long subscription_id, string kind, string period, long due_at, string status, long attempts, string? last_error, long next_attempt_at, long? sent_at)
    {
        public DigestDelivery ToDelivery() => new(
            id, subscription_id, DigestKinds.Parse(kind), period, FromMillis(due_at), ParseStatus(status), (int)attempts, last_error, FromMillis(next_attempt_at), sent_at is { } sent ? FromMillis(sent) : null);
    }

    private sealed record DueRow(long id, long subscription_id, string kind, string period, long due_at, string status, long attempts, string? last_error, long next_attempt_at, long? sent_at, string platform, string conversation_id)
        : DeliveryRow(id, subscription_id, kind, period, due_at, status, attempts, last_error, next_attempt_at, sent_at);
#pragma warning restore IDE1006, SA1300
}
