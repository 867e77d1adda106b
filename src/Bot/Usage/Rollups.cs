using System.Globalization;
using Bot.Roi;
using Microsoft.Data.Sqlite;

namespace Bot.Usage;

/// <summary>
/// The calendar day (yyyy-MM-dd, reporting zone) of an instant, cached per 15-minute slot: every zone offset in
/// use is a multiple of 15 minutes, so all instants in a slot share a local day. One per ingest; not thread-safe.
/// </summary>
internal sealed class LocalDays(TimeZoneInfo zone)
{
    private const long SlotMillis = 15 * 60 * 1000;
    private readonly Dictionary<long, string> cache = [];

    public TimeZoneInfo Zone => zone;

    public string DayOf(long unixMillis)
    {
        var slot = Math.DivRem(unixMillis, SlotMillis, out var rest) - (rest < 0 ? 1 : 0);
        if (!cache.TryGetValue(slot, out var day))
        {
            if (cache.Count > 100_000)
            {
                cache.Clear();
            }

            var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(unixMillis), zone);
            day = local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            cache[slot] = day;
        }

        return day;
    }
}

/// <summary>A change to one usage_daily row; negative values take away (re-pricing).</summary>
internal sealed class UsageDelta
{
    public long Records;
    public long InputTokens;
    public long CachedInputTokens;
    public long CacheWriteTokens;
    public long OutputTokens;
    public long CostNanos;
    public long UnpricedRecords;
}

/// <summary>
/// Adds changes to the daily rollups that `roi` reads, with one prepared statement each, inside the caller's
/// transaction: the rollups always move together with the rows they sum.
/// </summary>
internal sealed class RollupWriter : IDisposable
{
    private const string UpsertUsageDailySql = """
        INSERT INTO usage_daily (feature, day, model, records, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, cost_nanos, unpriced_records)
        VALUES (@feature, @day, @model, @records, @input, @cached, @cacheWrite, @output, @cost, @unpriced)
        ON CONFLICT (feature, day, model) DO UPDATE SET
            records = usage_daily.records + excluded.records,
            input_tokens = usage_daily.input_tokens + excluded.input_tokens,
            cached_input_tokens = usage_daily.cached_input_tokens + excluded.cached_input_tokens,
            cache_write_tokens = usage_daily.cache_write_tokens + excluded.cache_write_tokens,
            output_tokens = usage_daily.output_tokens + excluded.output_tokens,
            cost_nanos = usage_daily.cost_nanos + excluded.cost_nanos,
            unpriced_records = usage_daily.unpriced_records + excluded.unpriced_records
        """;

    private const string UpsertTasksDailySql = """
        INSERT INTO tasks_daily (feature, day, succeeded, failed) VALUES (@feature, @day, @succeeded, @failed)
        ON CONFLICT (feature, day) DO UPDATE SET
            succeeded = tasks_daily.succeeded + excluded.succeeded,
            failed = tasks_daily.failed + excluded.failed
        """;

    // The sums a change would add to, read first so no sum can pass the ceilings (SQLite would turn an overflowing
    // integer into a REAL that no report can read).
    private const string UsageDailySumsSql = """
        SELECT cost_nanos, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens
        FROM usage_daily WHERE feature = @feature AND day = @day AND model = @model
        """;

    // Raw statements: an import of a million records spread over many days makes hundreds of thousands of these
    // upserts, and a SqliteCommand costs several microseconds each in binding by name.
    private readonly RawStatement usage;
    private readonly RawStatement tasks;
    private readonly SqliteCommand sums;

    public RollupWriter(SqliteConnection connection, SqliteTransaction transaction)
    {
        if (!ReferenceEquals(transaction.Connection, connection))
        {
            throw new ArgumentException("The rollups are written inside the caller's transaction on the same connection.", nameof(transaction));
        }

        usage = new RawStatement(connection, UpsertUsageDailySql);
        tasks = new RawStatement(connection, UpsertTasksDailySql);
        sums = Prepare(connection, transaction, UsageDailySumsSql, "@feature", "@day", "@model");
    }

    public void AddUsage(IReadOnlyDictionary<(string Feature, string Day, string Model), UsageDelta> deltas)
    {
        foreach (var ((feature, day, model), delta) in deltas)
        {
            EnsureWithinCeilings(feature, day, model, delta);
            usage.Bind(1, feature);
            usage.Bind(2, day);
            usage.Bind(3, model);
            usage.Bind(4, delta.Records);
            usage.Bind(5, delta.InputTokens);
            usage.Bind(6, delta.CachedInputTokens);
            usage.Bind(7, delta.CacheWriteTokens);
            usage.Bind(8, delta.OutputTokens);
            usage.Bind(9, delta.CostNanos);
            usage.Bind(10, delta.UnpricedRecords);
            usage.Execute();
        }
    }

    public void AddTasks(string feature, string day, long succeeded, long failed)
    {
        tasks.Bind(1, feature);
        tasks.Bind(2, day);
        tasks.Bind(3, succeeded);
        tasks.Bind(4, failed);
        tasks.Execute();
    }

    public void Dispose()
    {
        usage.Dispose();
        sums.Dispose();
        tasks.Dispose();
    }

    /// <summary>Throws <see cref="UsageRejectedException"/> when the change would take a daily sum past its ceiling.</summary>
    private void EnsureWithinCeilings(string feature, string day, string model, UsageDelta delta)
    {
        var p = sums.Parameters;
        p[0].Value = feature;
        p[1].Value = day;
        p[2].Value = model;
        long cost = 0, input = 0, cached = 0, cacheWrite = 0, output = 0;
        using (var reader = sums.ExecuteReader())
        {
            if (reader.Read())
            {
                // A sum already broken (REAL, from before these checks) is not added to.
                if (reader.GetFieldType(0) != typeof(long))
                {
                    throw new UsageRejectedException($"The stored cost of {feature}, {model} on {day} is not a whole number of nano-dollars; nothing was stored.");
                }

                (cost, input, cached, cacheWrite, output) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
            }
        }

        // Stored sums are within the ceilings and one batch adds far less than long.MaxValue, so these sums cannot overflow.
        if (cost + delta.CostNanos > UsageValidation.MaxDailyCostNanos)
        {
            throw new UsageRejectedException(
                $"The records of {UsageValidation.Echo(feature)} with {UsageValidation.Echo(model)} on {day} would cost {Money.Format(Money.FromNanos(cost + delta.CostNanos))} that day, " +
                $"more than {Money.Format(Money.FromNanos(UsageValidation.MaxDailyCostNanos))}, the most one feature, model and day may sum to: check the costs; nothing was stored.");
        }

        if (new[] { input + delta.InputTokens, cached + delta.CachedInputTokens, cacheWrite + delta.CacheWriteTokens, output + delta.OutputTokens }.Any(sum => sum > UsageValidation.MaxDailyTokens))
        {
            throw new UsageRejectedException(
                $"The records of {UsageValidation.Echo(feature)} with {UsageValidation.Echo(model)} on {day} would count more than {UsageValidation.MaxDailyTokens:#,##0} tokens of one kind that day: check the counts; nothing was stored.");
        }
    }

    internal static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }
}
