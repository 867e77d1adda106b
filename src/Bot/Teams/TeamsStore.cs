using System.Collections.Concurrent;
using Bot.Data;
using Dapper;

namespace Bot.Teams;

/// <summary>A stored conversation reference: enough to post to the conversation later.</summary>
internal sealed record TeamsConversation(
    string ConversationId,
    string ServiceUrl,
    string? TenantId,
    string? ConversationType,
    string? TeamId,
    string? ChannelId,
    string BotId,
    string? BotName);

/// <summary>The Teams tables: conversation references, trusted service URLs, and the two idempotency ledgers.</summary>
internal sealed class TeamsStore(Database database, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, bool> trustedServiceUrls = new(StringComparer.OrdinalIgnoreCase);

    private const string UpsertConversationSql = """
        INSERT INTO teams_conversations (conversation_id, service_url, tenant_id, conversation_type, team_id, channel_id, bot_id, bot_name, created_at, updated_at)
        VALUES (@ConversationId, @ServiceUrl, @TenantId, @ConversationType, @TeamId, @ChannelId, @BotId, @BotName, @Now, @Now)
        ON CONFLICT (conversation_id) DO UPDATE SET
            service_url = excluded.service_url,
            tenant_id = COALESCE(excluded.tenant_id, teams_conversations.tenant_id),
            conversation_type = COALESCE(excluded.conversation_type, teams_conversations.conversation_type),
            team_id = COALESCE(excluded.team_id, teams_conversations.team_id),
            channel_id = COALESCE(excluded.channel_id, teams_conversations.channel_id),
            bot_id = excluded.bot_id,
            bot_name = COALESCE(excluded.bot_name, teams_conversations.bot_name),
            updated_at = excluded.updated_at
        """;

    public async Task SaveConversationAsync(TeamsConversation conversation, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(UpsertConversationSql, new
        {
            conversation.ConversationId,
            ServiceUrl = NormalizeServiceUrl(conversation.ServiceUrl),
            conversation.TenantId,
            conversation.ConversationType,
            conversation.TeamId,
            conversation.ChannelId,
            conversation.BotId,
            conversation.BotName,
            Now = Now(),
        }, cancellationToken: cancellationToken));
    }

    private const string FindConversationSql = """
        SELECT conversation_id AS ConversationId, service_url AS ServiceUrl, tenant_id AS TenantId, conversation_type AS ConversationType,
               team_id AS TeamId, channel_id AS ChannelId, bot_id AS BotId, bot_name AS BotName
        FROM teams_conversations WHERE conversation_id = @ConversationId
        """;

    public async Task<TeamsConversation?> FindConversationAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<TeamsConversation>(
            new CommandDefinition(FindConversationSql, new { ConversationId = conversationId }, cancellationToken: cancellationToken));
    }

    private const string ForgetConversationSql = "DELETE FROM teams_conversations WHERE conversation_id = @ConversationId";

    public async Task ForgetConversationAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ForgetConversationSql, new { ConversationId = conversationId }, cancellationToken: cancellationToken));
    }

    private const string TrustServiceUrlSql = """
        INSERT INTO teams_trusted_service_urls (service_url, first_seen_at, last_seen_at) VALUES (@ServiceUrl, @Now, @Now)
        ON CONFLICT (service_url) DO UPDATE SET last_seen_at = excluded.last_seen_at
        """;

    /// <summary>Call only with a service URL that arrived in a validated token.</summary>
    public async Task TrustServiceUrlAsync(string serviceUrl, CancellationToken cancellationToken)
    {
        var normalized = NormalizeServiceUrl(serviceUrl);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(TrustServiceUrlSql, new { ServiceUrl = normalized, Now = Now() }, cancellationToken: cancellationToken));
        trustedServiceUrls[normalized] = true;
    }

    private const string IsTrustedSql = "SELECT COUNT(*) FROM teams_trusted_service_urls WHERE service_url = @ServiceUrl";

    public async Task<bool> IsTrustedServiceUrlAsync(string serviceUrl, CancellationToken cancellationToken)
    {
        var normalized = NormalizeServiceUrl(serviceUrl);
        if (trustedServiceUrls.ContainsKey(normalized))
        {
            return true;
        }

        // Another instance may have validated it; only positive answers are cached.
        await using var connection = await database.OpenAsync(cancellationToken);
        var trusted = await connection.ExecuteScalarAsync<long>(new CommandDefinition(IsTrustedSql, new { ServiceUrl = normalized }, cancellationToken: cancellationToken)) > 0;
        if (trusted)
        {
            trustedServiceUrls[normalized] = true;
        }

        return trusted;
    }

    private const string ClaimActivitySql = """
        INSERT INTO teams_inbound_activities (conversation_id, activity_id, received_at) VALUES (@ConversationId, @ActivityId, @Now)
        ON CONFLICT (conversation_id, activity_id) DO NOTHING
        """;

    // Teams redelivers within minutes; a day of ids is plenty and keeps the table small.
    private const string ForgetOldActivitiesSql = "DELETE FROM teams_inbound_activities WHERE received_at < @Cutoff";

    /// <summary>True the first time an activity is seen by any instance; false for Teams' redeliveries.</summary>
    public async Task<bool> ClaimActivityAsync(string conversationId, string activityId, CancellationToken cancellationToken)
    {
        var now = Now();
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ForgetOldActivitiesSql, new { Cutoff = now - (long)TimeSpan.FromDays(1).TotalMilliseconds }, cancellationToken: cancellationToken));
        return await connection.ExecuteAsync(new CommandDefinition(ClaimActivitySql,
            new { ConversationId = conversationId, ActivityId = activityId, Now = now }, cancellationToken: cancellationToken)) == 1;
    }

    private const string ClaimPostSql = """
        INSERT INTO teams_sent_posts (idempotency_key, conversation_id, claimed_at) VALUES (@Key, @ConversationId, @Now)
        ON CONFLICT (idempotency_key) DO NOTHING
        """;

    /// <summary>True when no post with this key was made or is being made; the caller then posts.</summary>
    public async Task<bool> ClaimPostAsync(string idempotencyKey, string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(ClaimPostSql,
            new { Key = idempotencyKey, ConversationId = conversationId, Now = Now() }, cancellationToken: cancellationToken)) == 1;
    }

    private const string CompletePostSql = "UPDATE teams_sent_posts SET activity_id = @ActivityId WHERE idempotency_key = @Key";

    public async Task CompletePostAsync(string idempotencyKey, string? activityId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(CompletePostSql, new { Key = idempotencyKey, ActivityId = activityId }, cancellationToken: cancellationToken));
    }

    private const string ReleasePostSql = "DELETE FROM teams_sent_posts WHERE idempotency_key = @Key AND activity_id IS NULL";

    /// <summary>A post that failed for good gives its key back, so that a later attempt may post.</summary>
    public async Task ReleasePostAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ReleasePostSql, new { Key = idempotencyKey }, cancellationToken: cancellationToken));
    }

    /// <summary>`https://smba.trafficmanager.net/amer/` and `HTTPS://SMBA.trafficmanager.net/amer` are one service URL.</summary>
    internal static string NormalizeServiceUrl(string serviceUrl)
    {
        var uri = new Uri(serviceUrl.Trim(), UriKind.Absolute);
        return uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant() + uri.AbsolutePath.TrimEnd('/');
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
