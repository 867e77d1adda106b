using Bot.Data;
using Dapper;
using Microsoft.Extensions.Options;

namespace Bot.Slack;

/// <summary>The keys of one delivery, held by one worker: <paramref name="Owner"/> tells its claim from a later takeover.</summary>
internal sealed record SlackDeliveryClaim(IReadOnlyList<string> Keys, string Owner);

/// <summary>
/// Deduplicates Slack's retries and redeliveries across every instance sharing the database. All keys of one
/// delivery are claimed together or not at all, before any work starts. A claim is a lease: while it runs, retries
/// are skipped (the first delivery is still being answered); once answered it is done and retries stay skipped; a
/// lease that ran out without an answer (the instance stopped) is taken over by the next retry, which answers.
/// </summary>
internal sealed class SlackDeliveryLedger(Database database, TimeProvider time, IOptions<SlackOptions> options)
{
    /// <summary>Slack retries for about five minutes; keys are kept well beyond that.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    public static string EventKey(string eventId) => "event:" + eventId;

    public static string MessageKey(string channel, string ts) => "message:" + channel + ":" + ts;

    // Taken over only when the holder's lease ran out before it answered, or the key is older than the window; the
    // update's WHERE makes the claim report 0 rows otherwise.
    private const string ClaimSql = """
        INSERT INTO slack_deliveries (delivery_key, claimed_at, state, owner, lease_until, completed_at)
        VALUES (@Key, @Now, 'processing', @Owner, @LeaseUntil, NULL)
        ON CONFLICT (delivery_key) DO UPDATE SET
            claimed_at = excluded.claimed_at, state = excluded.state, owner = excluded.owner,
            lease_until = excluded.lease_until, completed_at = NULL
        WHERE (slack_deliveries.state = 'processing' AND slack_deliveries.lease_until < @Now)
            OR slack_deliveries.claimed_at < @Cutoff
        """;

    private const string PruneSql = "DELETE FROM slack_deliveries WHERE claimed_at < @Cutoff";

    /// <summary>The claim when this caller now owns every key; null when any of them is answered or being answered.</summary>
    public async Task<SlackDeliveryClaim?> TryClaimAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var claim = new SlackDeliveryClaim(keys, Guid.NewGuid().ToString("N"));
        var nowMs = now.ToUnixTimeMilliseconds();
        var leaseUntil = (now + options.Value.DeliveryLease).ToUnixTimeMilliseconds();
        var cutoff = (now - Window).ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var key in keys)
        {
            var parameters = new { Key = key, Now = nowMs, claim.Owner, LeaseUntil = leaseUntil, Cutoff = cutoff };
            var claimed = await connection.ExecuteAsync(new CommandDefinition(ClaimSql, parameters, transaction, cancellationToken: cancellationToken));
            if (claimed == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return null;
            }
        }

        await connection.ExecuteAsync(new CommandDefinition(PruneSql, new { Cutoff = cutoff }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return claim;
    }

    private const string RenewSql = """
        UPDATE slack_deliveries SET lease_until = @LeaseUntil
        WHERE delivery_key = @Key AND owner = @Owner AND state = 'processing'
        """;

    /// <summary>
    /// Called just before posting: true (and a fresh lease) while the claim is still this worker's; false when a
    /// retry took it over after the lease ran out, and then that retry answers, not this worker.
    /// </summary>
    public async Task<bool> TryRenewAsync(SlackDeliveryClaim claim, CancellationToken cancellationToken)
    {
        var leaseUntil = (time.GetUtcNow() + options.Value.DeliveryLease).ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var key in claim.Keys)
        {
            var renewed = await connection.ExecuteAsync(new CommandDefinition(RenewSql, new { Key = key, claim.Owner, LeaseUntil = leaseUntil }, transaction, cancellationToken: cancellationToken));
            if (renewed == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return false;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private const string CompleteSql = """
        UPDATE slack_deliveries SET state = 'done', completed_at = @Now, lease_until = NULL
        WHERE delivery_key = @Key AND owner = @Owner
        """;

    /// <summary>The answer was posted: every later retry of these keys is only acknowledged.</summary>
    public async Task CompleteAsync(SlackDeliveryClaim claim, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var key in claim.Keys)
        {
            await connection.ExecuteAsync(new CommandDefinition(CompleteSql, new { Key = key, claim.Owner, Now = now }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private const string ReleaseSql = "DELETE FROM slack_deliveries WHERE delivery_key = @Key AND owner = @Owner AND state = 'processing'";

    /// <summary>
    /// Gives the keys back (work not queued, a failed post, or queued work dropped at shutdown) so that Slack's next
    /// retry is answered at once. Only this claim's own rows go: a takeover by another worker is left alone.
    /// </summary>
    public async Task ReleaseAsync(SlackDeliveryClaim claim, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var key in claim.Keys)
        {
            await connection.ExecuteAsync(new CommandDefinition(ReleaseSql, new { Key = key, claim.Owner }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
