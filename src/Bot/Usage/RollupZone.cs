using Bot.Data;
using Bot.Roi;
using Dapper;

namespace Bot.Usage;

/// <summary>
/// The daily rollups are days in the reporting time zone. The zone they were built for is kept in `settings`; when
/// the configured zone differs at start-up, both rollups are rebuilt from the raw rows in one transaction.
/// </summary>
internal sealed class RollupZone(Database database, ReportingClock clock, ILogger<RollupZone> logger)
{
    public const string SettingKey = "rollup_time_zone";

    private const string ReadZoneSql = "SELECT value FROM settings WHERE key = @Key";

    private const string SaveZoneSql = """
        INSERT INTO settings (key, value) VALUES (@Key, @Value)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value
        """;

    private const string UsageRowsSql = """
        SELECT feature, model, occurred_at, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, cost_nanos
        FROM usage_records
        """;

    private const string TaskRowsSql = "SELECT feature, completed_at, succeeded FROM tasks";

    /// <summary>
    /// Returns true when the rollups were rebuilt. Throws <see cref="StartupException"/> when the records, summed by
    /// the new zone's days, pass a daily ceiling (nothing changes then), or when the zone changed and
    /// <paramref name="mayRebuild"/> is false: a one-shot verb must not rebuild under a running bot, which would go on
    /// adding its own zone's days to them.
    /// </summary>
    public bool EnsureCurrent(bool mayRebuild = true)
    {
        var zone = clock.Zone.Id;
        using var connection = database.Open();

        // Read without a transaction first: every start of every verb comes here, and a write transaction would wait
        // for a running import to finish (and fail with "database is locked" if it takes longer than the busy timeout).
        if (connection.QueryFirstOrDefault<string>(ReadZoneSql, new { Key = SettingKey }) == zone)
        {
            return false;
        }

        using var transaction = connection.BeginTransaction();
        var built = connection.QueryFirstOrDefault<string>(ReadZoneSql, new { Key = SettingKey }, transaction);
        if (built == zone)
        {
            return false;
        }

        if (built is not null && !mayRebuild)
        {
            throw new StartupException(
                $"The daily rollups are for Reporting:TimeZone {built}, and this command was given {zone}. A running bot keeps adding to them in " +
                $"{built}, so a single command does not rebuild them: set Reporting:TimeZone where the bot runs (appsettings.json or " +
                "Reporting__TimeZone) and restart it, and it rebuilds them as it starts; or leave the setting out of this command.");
        }

        try
        {
            Rebuild(connection, transaction, zone, built);
        }
        catch (UsageRejectedException refused)
        {
            throw new StartupException(
                $"The daily rollups cannot be rebuilt for Reporting:TimeZone {zone} (they are for {built ?? "no zone yet"}): {refused.Message} " +
                $"Set Reporting:TimeZone back to {built ?? "its previous value"}, or check those records.",
                refused);
        }

        if (built is not null)
        {
            logger.LogInformation("Rebuilt the daily rollups for time zone {Zone} (they were for {Previous})", zone, built);
        }

        return true;
    }

    private void Rebuild(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction transaction, string zone, string? built)
    {

        connection.Execute("DELETE FROM usage_daily", transaction: transaction);
        connection.Execute("DELETE FROM tasks_daily", transaction: transaction);
        var days = new LocalDays(clock.Zone);

        var usage = new Dictionary<(string Feature, string Day, string Model), UsageDelta>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = UsageRowsSql;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var key = (reader.GetString(0), days.DayOf(reader.GetInt64(2)), reader.GetString(1));
                if (!usage.TryGetValue(key, out var delta))
                {
                    usage[key] = delta = new UsageDelta();
                }

                delta.Records++;
                delta.InputTokens += reader.GetInt64(3);
                delta.CachedInputTokens += reader.GetInt64(4);
                delta.CacheWriteTokens += reader.GetInt64(5);
                delta.OutputTokens += reader.GetInt64(6);
                if (reader.IsDBNull(7))
                {
                    delta.UnpricedRecords++;
                }
                else
                {
                    delta.CostNanos += reader.GetInt64(7);
                }
            }
        }

        var tasks = new Dictionary<(string Feature, string Day), (long Succeeded, long Failed)>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = TaskRowsSql;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var key = (reader.GetString(0), days.DayOf(reader.GetInt64(1)));
                var (succeeded, failed) = tasks.GetValueOrDefault(key);
                tasks[key] = reader.GetInt64(2) != 0 ? (succeeded + 1, failed) : (succeeded, failed + 1);
            }
        }

        using var rollups = new RollupWriter(connection, transaction);
        rollups.AddUsage(usage);
        foreach (var ((feature, day), (succeeded, failed)) in tasks)
        {
            rollups.AddTasks(feature, day, succeeded, failed);
        }

        connection.Execute(SaveZoneSql, new { Key = SettingKey, Value = zone }, transaction);
        rollups.Commit();
    }
}
