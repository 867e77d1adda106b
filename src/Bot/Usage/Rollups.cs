using System.Globalization;
using Bot.Roi;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Bot.Usage;

/// <summary>
/// The calendar day (reporting zone) of an instant, cached per 15-minute slot: every zone offset in use is a
/// multiple of 15 minutes, so all instants in a slot share a local day. Not thread-safe.
/// </summary>
internal sealed class LocalDays(TimeZoneInfo zone)
{
    private const long SlotMillis = 15 * 60 * 1000;
    private readonly Dictionary<long, (DateOnly Date, string Day)> cache = [];

    public TimeZoneInfo Zone => zone;

    /// <summary>The day as the rollups store it: yyyy-MM-dd.</summary>
    public string DayOf(long unixMillis) => Lookup(unixMillis).Day;

    public DateOnly DateOf(long unixMillis) => Lookup(unixMillis).Date;

    private (DateOnly Date, string Day) Lookup(long unixMillis)
    {
        var slot = Math.DivRem(unixMillis, SlotMillis, out var rest) - (rest < 0 ? 1 : 0);
        if (!cache.TryGetValue(slot, out var day))
        {
            if (cache.Count > 100_000)
            {
                cache.Clear();
            }

            var local = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(unixMillis), zone).DateTime);
            day = (local, local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
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

    /// <summary>Counts one stored record; <paramref name="costNanos"/> is null when its model has no price.</summary>
    public void Add(UsageRecord record, long? costNanos)
    {
        Records++;
        InputTokens += record.InputTokens;
        CachedInputTokens += record.CachedInputTokens;
        CacheWriteTokens += record.CacheWriteTokens;
        OutputTokens += record.OutputTokens;
        CostNanos += costNanos ?? 0;
        UnpricedRecords += costNanos is null ? 1 : 0;
    }

    /// <summary>Takes back what <see cref="Add"/> counted for the record.</summary>
    public void Remove(UsageRecord record, long? costNanos)
    {
        Records--;
        InputTokens -= record.InputTokens;
        CachedInputTokens -= record.CachedInputTokens;
        CacheWriteTokens -= record.CacheWriteTokens;
        OutputTokens -= record.OutputTokens;
        CostNanos -= costNanos ?? 0;
        UnpricedRecords -= costNanos is null ? 1 : 0;
    }
}

/// <summary>
/// Adds changes to the daily rollups that `roi` reads, with one prepared statement each, inside the caller's
/// transaction: the rollups always move together with the rows they sum. <see cref="Commit"/> checks the sums
/// against their ceilings before it commits, so a change that would pass one is never stored.
/// </summary>
internal sealed class RollupWriter : IDisposable
{
    private const string UpsertUsageDailySql = """
        INSERT INTO usage_daily (day, feature, model, records, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, cost_nanos, unpriced_records)
        VALUES (@day, @feature, @model, @records, @input, @cached, @cacheWrite, @output, @cost, @unpriced)
        ON CONFLICT (day, feature, model) DO UPDATE SET
            records = usage_daily.records + excluded.records,
            input_tokens = usage_daily.input_tokens + excluded.input_tokens,
            cached_input_tokens = usage_daily.cached_input_tokens + excluded.cached_input_tokens,
            cache_write_tokens = usage_daily.cache_write_tokens + excluded.cache_write_tokens,
            output_tokens = usage_daily.output_tokens + excluded.output_tokens,
            cost_nanos = usage_daily.cost_nanos + excluded.cost_nanos,
            unpriced_records = usage_daily.unpriced_records + excluded.unpriced_records
        """;

    private const string UpsertTasksDailySql = """
        INSERT INTO tasks_daily (day, feature, succeeded, failed) VALUES (@day, @feature, @succeeded, @failed)
        ON CONFLICT (day, feature) DO UPDATE SET
            succeeded = tasks_daily.succeeded + excluded.succeeded,
            failed = tasks_daily.failed + excluded.failed
        """;

    // Sums past a ceiling, or not a whole number of nano-dollars, in the days this writer changed. SQLite turns an
    // integer sum that overflows into a REAL, which compares as the huge number it is; typeof also finds a REAL sum
    // stored before these checks (SQLite's own; a PostgreSQL bigint cannot hold one).
    private const string SuspectSumsSql = """
        SELECT day AS Day, feature AS Feature, model AS Model, CAST(cost_nanos AS TEXT) AS CostText, typeof(cost_nanos) = 'integer' AS Whole
        FROM usage_daily
        WHERE day >= @first AND day <= @last
          AND (cost_nanos > @maxCost OR typeof(cost_nanos) <> 'integer' OR input_tokens > @maxTokens
               OR cached_input_tokens > @maxTokens OR cache_write_tokens > @maxTokens OR output_tokens > @maxTokens)
        """;

    // Raw statements: an import of a million records spread over many days makes hundreds of thousands of these
    // upserts, and a SqliteCommand costs several microseconds each in binding by name.
    private readonly SqliteConnection connection;
    private readonly SqliteTransaction transaction;
    private readonly RawStatement usage;
    private readonly RawStatement tasks;
    // The rows this writer changed: a suspect sum it did not touch (stored before the ceilings) is left alone.
    private readonly HashSet<(string Day, string Feature, string Model)> changed = [];
    private string? firstDay;
    private string? lastDay;

    public RollupWriter(SqliteConnection connection, SqliteTransaction transaction)
    {
        if (!ReferenceEquals(transaction.Connection, connection))
        {
            throw new ArgumentException("The rollups are written inside the caller's transaction on the same connection.", nameof(transaction));
        }

        this.connection = connection;
        this.transaction = transaction;
        usage = new RawStatement(connection, UpsertUsageDailySql);
        tasks = new RawStatement(connection, UpsertTasksDailySql);
    }

    public void AddUsage(IEnumerable<KeyValuePair<(string Feature, string Day, string Model), UsageDelta>> deltas)
    {
        foreach (var ((feature, day, model), delta) in deltas)
        {
            AddUsage(feature, day, model, delta);
        }
    }

    public void AddUsage(string feature, string day, string model, UsageDelta delta)
    {
        usage.Bind(1, day);
        usage.Bind(2, feature);
        usage.Bind(3, model);
        usage.Bind(4, delta.Records);
        usage.Bind(5, delta.InputTokens);
        usage.Bind(6, delta.CachedInputTokens);
        usage.Bind(7, delta.CacheWriteTokens);
        usage.Bind(8, delta.OutputTokens);
        usage.Bind(9, delta.CostNanos);
        usage.Bind(10, delta.UnpricedRecords);
        usage.Execute();
        changed.Add((day, feature, model));
        if (firstDay is null || string.CompareOrdinal(day, firstDay) < 0)
        {
            firstDay = day;
        }

        if (lastDay is null || string.CompareOrdinal(day, lastDay) > 0)
        {
            lastDay = day;
        }
    }

    public void AddTasks(string feature, string day, long succeeded, long failed)
    {
        tasks.Bind(1, day);
        tasks.Bind(2, feature);
        tasks.Bind(3, succeeded);
        tasks.Bind(4, failed);
        tasks.Execute();
    }

    /// <summary>
    /// Commits the caller's transaction, unless a daily sum this writer changed is past its ceiling or not a whole
    /// number of nano-dollars: then it throws <see cref="UsageRejectedException"/> and the caller's transaction rolls
    /// everything back when disposed. Checked once here rather than per upsert: reading each sum back made an
    /// import's rollups three times slower.
    /// </summary>
    public void Commit()
    {
        if (firstDay is not null)
        {
            var suspects = connection.Query<SuspectSum>(
                SuspectSumsSql,
                new { first = firstDay, last = lastDay, maxCost = UsageValidation.MaxDailyCostNanos, maxTokens = UsageValidation.MaxDailyTokens },
                transaction);
            if (suspects.FirstOrDefault(row => changed.Contains((row.Day, row.Feature, row.Model))) is { } row)
            {
                throw new UsageRejectedException(Refusal(row));
            }
        }

        transaction.Commit();
    }

    public void Dispose()
    {
        usage.Dispose();
        tasks.Dispose();
    }

    private static string Refusal(SuspectSum row)
    {
        var what = $"{UsageValidation.Echo(row.Feature)} with {UsageValidation.Echo(row.Model)} on {row.Day}";
        if (!row.Whole)
        {
            return $"The stored cost of {what} is not a whole number of nano-dollars, so nothing more is added to it; nothing was stored.";
        }

        var costNanos = decimal.Parse(row.CostText, NumberStyles.Float, CultureInfo.InvariantCulture);
        return costNanos > UsageValidation.MaxDailyCostNanos
            ? $"The records of {what} would cost {Money.Format(costNanos / Money.NanosPerDollar)} that day, " +
              $"more than {Money.Format(Money.FromNanos(UsageValidation.MaxDailyCostNanos))}, the most one feature, model and day may sum to: check the costs; nothing was stored."
            : $"The records of {what} would count more than {UsageValidation.MaxDailyTokens:#,##0} tokens of one kind that day: check the counts; nothing was stored.";
    }

    // The cost as text: SQLite hands a column over as an integer in one row and a REAL in the next, which Dapper
    // cannot map to one type; the text of either parses exactly.
    private sealed class SuspectSum
    {
        public string Day { get; init; } = string.Empty;

        public string Feature { get; init; } = string.Empty;

        public string Model { get; init; } = string.Empty;

        public string CostText { get; init; } = "0";

        public bool Whole { get; init; }
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
