using System.Diagnostics;
using System.Globalization;
using Bot.Charts;
using Bot.Demo;
using Bot.Roi;

namespace Bot.Benchmarks;

/// <summary>
/// `chart [count] [--save file.png]`: renders the demo's meeting-summary trend (12 months, a baseline change)
/// and the savings chart of its three features, and prints p50/p99 per chart.
/// </summary>
internal static class ChartBenchmark
{
    public static Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var n) ? n : 200;
        var save = args.SkipWhile(a => a != "--save").Skip(1).FirstOrDefault();
        var lastMonth = ReportingPeriod.Month(2026, 11);
        var feature = FeatureTrend(lastMonth);
        var savings = Savings(lastMonth);

        // Warm-up: the first chart loads fonts and native code.
        ChartRenderer.FeatureTrendPng(feature);
        ChartRenderer.SavingsPng(savings);

        Report("feature trend", count, () => ChartRenderer.FeatureTrendPng(feature));
        Report("savings", count, () => ChartRenderer.SavingsPng(savings));
        // The build machine is shared: the load says how much the numbers can be trusted.
        if (File.Exists("/proc/loadavg"))
        {
            Console.WriteLine($"load average: {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))}, {Environment.ProcessorCount} cores");
        }

        if (save is not null)
        {
            File.WriteAllBytes(save, ChartRenderer.FeatureTrendPng(feature));
            Console.WriteLine($"wrote {save}");
        }

        return Task.FromResult(0);
    }

    private static void Report(string name, int count, Func<byte[]> render)
    {
        var times = new List<double>(count);
        var bytes = 0L;
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            bytes += render().Length;
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {count} charts 800x450, p50 {Percentile(times, 0.50):0.0} ms, p99 {Percentile(times, 0.99):0.0} ms, max {times[^1]:0.0} ms, {bytes / count / 1024} KiB each"));
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static IReadOnlyList<ReportingPeriod> Months(ReportingPeriod lastMonth) => ChartService.MonthsEndingWith(lastMonth);

    /// <summary>The demo's meeting-summary: six empty months, then its six, with the baseline raised from 20 to 25 minutes.</summary>
    private static FeatureTrend FeatureTrend(ReportingPeriod lastMonth)
    {
        var demo = DemoData.Features.Single(f => f.Name == "meeting-summary");
        var months = Months(lastMonth);
        var rows = months.Select((month, i) =>
        {
            if (i < 6)
            {
                return new TrendMonth(month, null, null, null);
            }

            var (tasks, cost) = demo.Months[i - 6];
            var human = (i < 9 ? demo.Minutes : 25m) * DemoData.HourlyRate / 60m;
            var ai = cost / tasks;
            return new TrendMonth(month, human / ai, ai, human);
        }).ToList();
        return new FeatureTrend(demo.Name, rows, [new BaselineChange(months[9], 25m * DemoData.HourlyRate / 60m)]);
    }

    private static SavingsTrend Savings(ReportingPeriod lastMonth)
    {
        var months = Months(lastMonth);
        var features = DemoData.Features.OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => new FeatureSavings(
            f.Name,
            months.Select((_, i) => i < 6 ? null : (decimal?)(f.Months[i - 6].Tasks * ((f.Minutes * DemoData.HourlyRate / 60m) - (f.Months[i - 6].Cost / f.Months[i - 6].Tasks)))).ToList())).ToList();
        return new SavingsTrend(months, features);
    }
}
