using Bot.Data;
using Dapper;

namespace Bot.Slack;

/// <summary>
/// Deduplicates Slack's retries and redeliveries across every instance sharing the database. All keys of one
/// delivery are claimed together or not at all, before any work starts.
/// </summary>
internal sealed class SlackDeliveryLedger(Database database, TimeProvider time)
{
    /// <summary>Slack retries for about five minutes; keys are kept well beyond that.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    public static string EventKey(string eventId) => "event:" + eventId;

    public static string MessageKey(string channel, string ts) => "message:" + channel + ":" + ts;

    // A key older than the window counts as free again: the update's WHERE makes the claim report 0 rows otherwise.
    private const string ClaimSql = """
        INSERT INTO slack_deliveries (delivery_key, claimed_at) VALUES (@Key, @Now)
        ON CONFLICT (delivery_key) DO UPDATE SET claimed_at = excluded.claimed_at
        WHERE slack_deliveries.claimed_at < @Cutoff
        """;

    private const string PruneSql = "DELETE FROM slack_deliveries WHERE claimed_at < @Cutoff";

    /// <summary>True when this caller now owns every key; false when any of them was already claimed.</summary>
    public async Task<bool> TryClaimAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var parameters = new { Now = now.ToUnixTimeMilliseconds(), Cutoff = (now - Window).ToUnixTimeMilliseconds() };
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var key in keys)
        {
            var claimed = await connection.ExecuteAsync(new CommandDefinition(ClaimSql, new { Key = key, parameters.Now, parameters.Cutoff }, transaction, cancellationToken: cancellationToken));
            if (claimed == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return false;
            }
        }

        await connection.ExecuteAsync(new CommandDefinition(PruneSql, new { parameters.Cutoff }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private const string ReleaseSql = "DELETE FROM slack_deliveries WHERE delivery_key = @Key";

    /// <summary>Gives keys back when the work could not even be queued, so that Slack's retry is answered.</summary>
    public async Task ReleaseAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var key in keys)
        {
            await connection.ExecuteAsync(new CommandDefinition(ReleaseSql, new { Key = key }, cancellationToken: cancellationToken));
        }
    }
}
