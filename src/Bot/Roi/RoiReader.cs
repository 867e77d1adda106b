using Bot.Data;
using Dapper;

namespace Bot.Roi;

/// <summary>Usage of one model by one feature in a period, from the daily rollups.</summary>
internal sealed record ModelUsage(
    string Feature,
    string Model,
    long Records,
    long InputTokens,
    long CachedInputTokens,
    long CacheWriteTokens,
    long OutputTokens,
    decimal Cost,
    long UnpricedRecords)
{
    public long TotalTokens => InputTokens + CachedInputTokens + CacheWriteTokens + OutputTokens;
}

/// <summary>
/// Reads a period's numbers for every feature: usage and tasks from the daily rollups (so the cost of a
/// question does not grow with the number of stored records), baselines and overheads from their history.
/// </summary>
internal sealed class RoiReader(Database database, BaselineStore baselines)
{
    internal const string UsageSql = """
        SELECT feature AS Feature, model AS Model, SUM(records) AS Records, SUM(input_tokens) AS InputTokens,
               SUM(cached_input_tokens) AS CachedInputTokens, SUM(cache_write_tokens) AS CacheWriteTokens,
               SUM(output_tokens) AS OutputTokens, SUM(cost_nanos) AS CostNanos, SUM(unpriced_records) AS UnpricedRecords
        FROM usage_daily
        WHERE day >= @FromDay AND day < @ToDay
        GROUP BY feature, model
        """;

    internal const string TasksSql = """
        SELECT feature AS Feature, SUM(succeeded) AS Succeeded, SUM(failed) AS Failed
        FROM tasks_daily
        WHERE day >= @FromDay AND day < @ToDay
        GROUP BY feature
        """;

    private const string TaskCountsSql = """
        SELECT feature AS Feature, SUM(succeeded) AS Succeeded, SUM(failed) AS Failed
        FROM task_counts
        WHERE month >= @FromMonth AND month <= @ToMonth
        GROUP BY feature
        """;

    private const string FeaturesSql = "SELECT name FROM features ORDER BY name";

    public async Task<PeriodData> ReadAsync(ReportingPeriod period, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var days = new { FromDay = Day(period.FirstDay), ToDay = Day(period.EndDay) };
        var months = period.Months();
        var monthRange = new { FromMonth = months[0].Label, ToMonth = months[^1].Label };

        List<ModelUsage> usage;
        Dictionary<string, (long Succeeded, long Failed)> tasks = new(StringComparer.Ordinal);
        List<string> features;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            usage = (await connection.QueryAsync<UsageRow>(new CommandDefinition(UsageSql, days, cancellationToken: cancellationToken)))
                .Select(r => new ModelUsage(r.Feature, r.Model, r.Records, r.InputTokens, r.CachedInputTokens, r.CacheWriteTokens, r.OutputTokens, Money.FromNanos(r.CostNanos), r.UnpricedRecords))
                .ToList();
            foreach (var row in await connection.QueryAsync<TaskRow>(new CommandDefinition(TasksSql, days, cancellationToken: cancellationToken)))
            {
                tasks[row.Feature] = (row.Succeeded, row.Failed);
            }

            foreach (var row in await connection.QueryAsync<TaskRow>(new CommandDefinition(TaskCountsSql, monthRange, cancellationToken: cancellationToken)))
            {
                var known = tasks.GetValueOrDefault(row.Feature);
                tasks[row.Feature] = (known.Succeeded + row.Succeeded, known.Failed + row.Failed);
            }

            features = (await connection.QueryAsync<string>(new CommandDefinition(FeaturesSql, cancellationToken: cancellationToken))).ToList();
        }

        var baselineHistory = await baselines.AllBaselinesAsync(cancellationToken);
        var overheadHistory = await baselines.AllOverheadsAsync(cancellationToken);
        var periodEnd = period.EndUtc(zone);

        var usageByFeature = usage.ToLookup(u => u.Feature, StringComparer.Ordinal);
        var names = features.Concat(usage.Select(u => u.Feature)).Concat(tasks.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var rows = names.Select(feature =>
        {
            var models = usageByFeature[feature].ToList();

            // A quarter's overhead is each month's overhead as it stood at that month's end. A period in which the
            // feature did nothing (no usage, no tasks) carries none: overhead is the cost of running it.
            var (succeeded, failed) = tasks.GetValueOrDefault(feature);
            var active = models.Count > 0 || succeeded + failed > 0;
            var overhead = active ? months.Sum(month => Overhead.InEffect(overheadHistory[feature], month.EndUtc(zone))?.MonthlyAmount ?? 0m) : 0m;
            var input = new FeaturePeriodInput(
                feature,
                period,
                models.Sum(m => m.Cost),
                overhead,
                succeeded,
                failed,
                models.Sum(m => m.Records),
                models.Sum(m => m.UnpricedRecords),
                Baseline.InEffect(baselineHistory[feature], periodEnd));
            return RoiCalculator.Compute(input);
        }).ToList();

        return new PeriodData(period, rows, usage, baselineHistory);
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    // Property classes, not positional records: SQLite reports no column types for aggregates over no rows.
    private sealed class UsageRow
    {
        public string Feature { get; init; } = string.Empty;
        public string Model { get; init; } = string.Empty;
        public long Records { get; init; }
        public long InputTokens { get; init; }
        public long CachedInputTokens { get; init; }
        public long CacheWriteTokens { get; init; }
        public long OutputTokens { get; init; }
        public long CostNanos { get; init; }
        public long UnpricedRecords { get; init; }
    }

    private sealed class TaskRow
    {
        public string Feature { get; init; } = string.Empty;
        public long Succeeded { get; init; }
        public long Failed { get; init; }
    }
}

/// <summary>Everything about one period: a row per feature, usage per model, and the baselines behind them.</summary>
internal sealed record PeriodData(ReportingPeriod Period, IReadOnlyList<RoiRow> Rows, IReadOnlyList<ModelUsage> Usage, ILookup<string, Baseline> BaselineHistory)
{
    public RoiRow? Row(string feature) => Rows.FirstOrDefault(r => r.Feature == feature);
}
