using System.Collections.Concurrent;
using Bot.Data;
using Dapper;
using Microsoft.Extensions.Options;

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

/// <summary>
/// The Teams tables: conversation references, trusted service URLs, and the two idempotency ledgers. Both ledgers
/// hold leases: a key is `processing` by one owner until its lease ends, then `done`; a key still processing after
/// its lease ended (the instance stopped, or a release was lost) is taken over by the next claim.
/// </summary>
internal sealed class TeamsStore(Database database, TimeProvider time, IOptions<TeamsOptions> options)
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

    // A row still processing after its lease ended was left by an instance that stopped or failed: take it over.
    private const string ClaimActivitySql = """
        INSERT INTO teams_inbound_activities (conversation_id, activity_id, received_at, state, owner, lease_until, completed_at)
        VALUES (@ConversationId, @ActivityId, @Now, 'processing', @Owner, @LeaseUntil, NULL)
        ON CONFLICT (conversation_id, activity_id) DO UPDATE SET
            state = excluded.state, owner = excluded.owner, lease_until = excluded.lease_until
        WHERE teams_inbound_activities.state = 'processing' AND teams_inbound_activities.lease_until < @Now
        """;

    // Teams redelivers within minutes; a day of ids is plenty and keeps the table small.
    private const string ForgetOldActivitiesSql = "DELETE FROM teams_inbound_activities WHERE received_at < @Cutoff";

    /// <summary>
    /// The owner token when this caller now handles the activity: the first time any instance sees it, or a
    /// redelivery after the previous handler's lease ran out unfinished. Null while it is handled or once it was.
    /// </summary>
    public async Task<string?> ClaimActivityAsync(string conversationId, string activityId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var owner = NewOwner();
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ForgetOldActivitiesSql, new { Cutoff = (now - TimeSpan.FromDays(1)).ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        var claimed = await connection.ExecuteAsync(new CommandDefinition(ClaimActivitySql, new
        {
            ConversationId = conversationId,
            ActivityId = activityId,
            Now = now.ToUnixTimeMilliseconds(),
            Owner = owner,
            LeaseUntil = (now + options.Value.ActivityLease).ToUnixTimeMilliseconds(),
        }, cancellationToken: cancellationToken));
        return claimed == 1 ? owner : null;
    }

    private const string CompleteActivitySql = """
        UPDATE teams_inbound_activities SET state = 'done', completed_at = @Now, lease_until = NULL
        WHERE conversation_id = @ConversationId AND activity_id = @ActivityId AND owner = @Owner
        """;

    /// <summary>Handled: every later redelivery is only acknowledged.</summary>
    public async Task CompleteActivityAsync(string conversationId, string activityId, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(CompleteActivitySql,
            new { ConversationId = conversationId, ActivityId = activityId, Owner = owner, Now = Now() }, cancellationToken: cancellationToken));
    }

    private const string ReleaseActivitySql = """
        DELETE FROM teams_inbound_activities
        WHERE conversation_id = @ConversationId AND activity_id = @ActivityId AND owner = @Owner AND state = 'processing'
        """;

    /// <summary>Not handled (a failure, or stopped before starting): a redelivery is answered at once.</summary>
    public async Task ReleaseActivityAsync(string conversationId, string activityId, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ReleaseActivitySql,
            new { ConversationId = conversationId, ActivityId = activityId, Owner = owner }, cancellationToken: cancellationToken));
    }

    // Same lease rule as inbound activities: a post still processing after its lease ended never completed.
    private const string ClaimPostSql = """
        INSERT INTO teams_sent_posts (idempotency_key, conversation_id, claimed_at, state, owner, lease_until, completed_at)
        VALUES (@Key, @ConversationId, @Now, 'processing', @Owner, @LeaseUntil, NULL)
        ON CONFLICT (idempotency_key) DO UPDATE SET
            claimed_at = excluded.claimed_at, state = excluded.state, owner = excluded.owner, lease_until = excluded.lease_until
        WHERE teams_sent_posts.state = 'processing' AND teams_sent_posts.lease_until < @Now
        """;

    /// <summary>
    /// The owner token when no post with this key was made or is being made (or its maker's lease ran out
    /// unfinished); the caller then posts. Null otherwise.
    /// </summary>
    public async Task<string?> ClaimPostAsync(string idempotencyKey, string conversationId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var owner = NewOwner();
        await using var connection = await database.OpenAsync(cancellationToken);
        var claimed = await connection.ExecuteAsync(new CommandDefinition(ClaimPostSql, new
        {
            Key = idempotencyKey,
            ConversationId = conversationId,
            Now = now.ToUnixTimeMilliseconds(),
            Owner = owner,
            LeaseUntil = (now + options.Value.PostLease).ToUnixTimeMilliseconds(),
        }, cancellationToken: cancellationToken));
        return claimed == 1 ? owner : null;
    }

    private const string CompletePostSql = """
        UPDATE teams_sent_posts SET state = 'done', activity_id = @ActivityId, completed_at = @Now, lease_until = NULL
        WHERE idempotency_key = @Key AND owner = @Owner
        """;

    public async Task CompletePostAsync(string idempotencyKey, string owner, string? activityId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(CompletePostSql,
            new { Key = idempotencyKey, Owner = owner, ActivityId = activityId, Now = Now() }, cancellationToken: cancellationToken));
    }

    private const string IsPostDoneSql = "SELECT COUNT(*) FROM teams_sent_posts WHERE idempotency_key = @Key AND state = 'done'";

    public async Task<bool> IsPostDoneAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(IsPostDoneSql, new { Key = idempotencyKey }, cancellationToken: cancellationToken)) > 0;
    }

    private const string ReleasePostSql = "DELETE FROM teams_sent_posts WHERE idempotency_key = @Key AND owner = @Owner AND state = 'processing'";

    /// <summary>A post that failed for good gives its key back, so that a later attempt may post.</summary>
    public async Task ReleasePostAsync(string idempotencyKey, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ReleasePostSql, new { Key = idempotencyKey, Owner = owner }, cancellationToken: cancellationToken));
    }

    /// <summary>`https://smba.trafficmanager.net/amer/` and `HTTPS://SMBA.trafficmanager.net/amer` are one service URL.</summary>
    internal static string NormalizeServiceUrl(string serviceUrl)
    {
        var uri = new Uri(serviceUrl.Trim(), UriKind.Absolute);
        return uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant() + uri.AbsolutePath.TrimEnd('/');
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Tells this claim apart from a later takeover of the same key, so each finishes or releases only its own.</summary>
    private static string NewOwner() => Guid.NewGuid().ToString("N");
}
