using Bot.Charts;
using Bot.Roi;

namespace Bot.Tests.Charts;

/// <summary>Demo-like series: six empty months, then six months of meeting-summary with a baseline change.</summary>
internal static class ChartSamples
{
    public static readonly ReportingPeriod LastMonth = ReportingPeriod.Month(2026, 11);

    public static IReadOnlyList<ReportingPeriod> Months(int count = 12)
    {
        var months = new List<ReportingPeriod> { LastMonth };
        while (months.Count < count)
        {
            months.Insert(0, months[0].Previous());
        }

        return months;
    }

    public static FeatureTrend MeetingSummary()
    {
        (long Tasks, decimal Cost)[] data = [(1_200, 6.00m), (1_400, 8.00m), (1_600, 10.00m), (1_800, 12.00m), (1_900, 14.00m), (2_000, 16.00m)];
        var months = Months();
        var rows = months.Select((month, i) =>
        {
            if (i < 6)
            {
                return new TrendMonth(month, null, null, null);
            }

            var (tasks, cost) = data[i - 6];
            var human = i < 9 ? 20m * 50m / 60m : 25m * 50m / 60m;
            var ai = cost / tasks;
            return new TrendMonth(month, human / ai, ai, human);
        }).ToList();
        return new FeatureTrend("meeting-summary", rows, [new BaselineChange(months[9], 25m * 50m / 60m)]);
    }

    public static SavingsTrend AllFeatures()
    {
        var months = Months();
        decimal?[] Series(params decimal[] last6) => [null, null, null, null, null, null, .. last6.Select(v => (decimal?)v)];
        return new SavingsTrend(months,
        [
            new FeatureSavings("invoice-extraction", Series(19_850m, 19_163m, 18_477m, 17_790m, 17_103m, 16_416.67m)),
            new FeatureSavings("meeting-summary", Series(19_994m, 23_325m, 26_657m, 29_988m, 31_652m, 33_317.33m)),
            new FeatureSavings("support-classification", Series(49_998.8m, 58_332m, 66_665m, 73_332m, 79_998m, 83_331.83m)),
        ]);
    }
}
