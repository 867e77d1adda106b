using Bot.Roi;
using Bot.Usage;

namespace Bot.Demo;

/// <summary>
/// The seed's three features: the framework's example table exactly in the last complete month, and five earlier
/// months with other volumes and costs so trends (and a declining ROI) show. Deterministic, so loading it twice
/// stores it once.
/// </summary>
internal static class DemoData
{
    public const string Source = "demo";

    /// <summary>
    /// Tokens per task are those of the last month, where they match the seed's cost at the catalog price; earlier
    /// months scale them with the cost per task, so a cost change reads as a token change, not a price change.
    /// </summary>
    public sealed record DemoFeature(string Name, string Model, decimal Minutes, string Unit, long InputTokensPerTask, long OutputTokensPerTask, (long Tasks, decimal Cost)[] Months)
    {
        public (long Input, long Output) TokensPerTask(int month)
        {
            var (tasks, cost) = Months[month];
            var (lastTasks, lastCost) = Months[^1];
            var scale = cost / tasks / (lastCost / lastTasks);
            return ((long)decimal.Round(InputTokensPerTask * scale), (long)decimal.Round(OutputTokensPerTask * scale));
        }
    }

    /// <summary>Oldest month first; the last entry is the seed's example table.</summary>
    public static IReadOnlyList<DemoFeature> Features { get; } =
    [
        new("support-classification", "gpt-4o-mini", 2m, "ticket classified", 160, 10,
            [(30_000, 1.20m), (35_000, 1.30m), (40_000, 1.40m), (44_000, 1.45m), (48_000, 1.48m), (50_000, 1.50m)]),
        new("meeting-summary", "claude-3-5-haiku-latest", 20m, "meeting summarized", 7_500, 500,
            [(1_200, 6.00m), (1_400, 8.00m), (1_600, 10.00m), (1_800, 12.00m), (1_900, 14.00m), (2_000, 16.00m)]),
        new("invoice-extraction", "gpt-4o", 4m, "invoice processed", 12_000, 2_000,
            [(6_000, 150.00m), (5_800, 170.00m), (5_600, 190.00m), (5_400, 210.00m), (5_200, 230.00m), (5_000, 250.00m)]),
    ];

    public const decimal HourlyRate = 50m;

    /// <summary>
    /// One usage record per feature per day, carrying the provider's cost so the month sums exactly to the table;
    /// the last day takes the remainder of the cent split.
    /// </summary>
    public static IEnumerable<UsageRecord> Records(ReportingPeriod lastMonth, TimeZoneInfo zone)
    {
        var months = Months(lastMonth);
        foreach (var feature in Features)
        {
            for (var m = 0; m < months.Count; m++)
            {
                var month = months[m];
                var (tasks, cost) = feature.Months[m];
                var days = month.EndDay.DayNumber - month.FirstDay.DayNumber;
                var dailyCost = decimal.Round(cost / days, 9, MidpointRounding.ToZero);
                var dailyTasks = tasks / days;
                var (inputPerTask, outputPerTask) = feature.TokensPerTask(m);
                for (var d = 0; d < days; d++)
                {
                    var day = month.FirstDay.AddDays(d);
                    var last = d == days - 1;
                    var dayTasks = last ? tasks - (dailyTasks * (days - 1)) : dailyTasks;
                    var noon = ReportingPeriod.LocalMidnightUtc(day, zone).AddHours(12);
                    yield return new UsageRecord(
                        noon,
                        feature.Name,
                        feature.Model,
                        InputTokens: inputPerTask * dayTasks,
                        CachedInputTokens: 0,
                        CacheWriteTokens: 0,
                        OutputTokens: outputPerTask * dayTasks,
                        Cost: last ? cost - (dailyCost * (days - 1)) : dailyCost,
                        TaskId: null,
                        RecordId: $"demo-{feature.Name}-{day:yyyy-MM-dd}",
                        Requests: dayTasks);
                }
            }
        }
    }

    /// <summary>The six months that end with <paramref name="lastMonth"/>, oldest first.</summary>
    public static IReadOnlyList<ReportingPeriod> Months(ReportingPeriod lastMonth)
    {
        var months = new List<ReportingPeriod> { lastMonth };
        while (months.Count < 6)
        {
            months.Insert(0, months[0].Previous());
        }

        return months;
    }
}
