using Bot.Chat;
using Bot.Roi;

namespace Bot.Charts;

/// <summary>A chart, or the sentence that stands in for it when there is too little history to draw.</summary>
internal sealed record ChartOutcome(ReplyChart? Chart, string? Sentence);

/// <summary>
/// Reads the twelve months that end with a given month through <see cref="RoiReader"/> (the same numbers `roi`
/// shows) and turns them into chart data and PNGs.
/// </summary>
internal sealed class ChartService(RoiReader reader, ReportingClock clock, ILogger<ChartService> logger)
{
    public const int MonthCount = 12;

    public const int MinimumMonths = 2;

    public static IReadOnlyList<ReportingPeriod> MonthsEndingWith(ReportingPeriod lastMonth)
    {
        var months = new List<ReportingPeriod> { lastMonth };
        while (months.Count < MonthCount)
        {
            months.Insert(0, months[0].Previous());
        }

        return months;
    }

    public async Task<FeatureTrend> FeatureTrendAsync(string feature, ReportingPeriod lastMonth, CancellationToken cancellationToken)
    {
        var data = await ReadAsync(lastMonth, cancellationToken);
        var months = data.Select(d => d.Row(feature) is { } row
            ? new TrendMonth(d.Period, row.RoiMultiple, row.AiCostPerTask, row.HumanCostPerTask)
            : new TrendMonth(d.Period, null, null, null)).ToList();

        // A marker where the baseline in effect at a month's end differs from the one at the previous month's end.
        var history = data[^1].BaselineHistory[feature].ToList();
        var changes = new List<BaselineChange>();
        for (var i = 1; i < data.Count; i++)
        {
            var before = Baseline.InEffect(history, data[i - 1].Period.EndUtc(clock.Zone));
            var after = Baseline.InEffect(history, data[i].Period.EndUtc(clock.Zone));
            if (before is not null && after is not null && before != after)
            {
                changes.Add(new BaselineChange(data[i].Period, after.HumanCostPerTask));
            }
        }

        return new FeatureTrend(feature, months, changes);
    }

    public async Task<SavingsTrend> SavingsTrendAsync(ReportingPeriod lastMonth, CancellationToken cancellationToken)
    {
        var data = await ReadAsync(lastMonth, cancellationToken);
        var features = data.SelectMany(d => d.Rows).Where(r => r.Savings is not null).Select(r => r.Feature).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var series = features.Select(f => new FeatureSavings(f, data.Select(d => d.Row(f)?.Savings).ToList())).ToList();
        return new SavingsTrend(data.Select(d => d.Period).ToList(), series);
    }

    public async Task<ChartOutcome> FeatureChartAsync(string feature, ReportingPeriod lastMonth, CancellationToken cancellationToken)
    {
        var trend = await FeatureTrendAsync(feature, lastMonth, cancellationToken);
        var range = Range(trend.Months.Select(m => m.Month).ToList());
        if (trend.MonthsWithData < MinimumMonths)
        {
            return new ChartOutcome(null, $"No chart yet: {feature} has numbers for {Months(trend.MonthsWithData)} of {range}, and a chart needs at least {MinimumMonths}.");
        }

        var png = ChartRenderer.FeatureTrendPng(trend);
        return new ChartOutcome(new ReplyChart(png, ChartAltText.FeatureTrend(trend), $"roi-{feature}-{range.Replace(' ', '-')}.png"), null);
    }

    public async Task<ChartOutcome> SavingsChartAsync(ReportingPeriod lastMonth, CancellationToken cancellationToken)
    {
        var trend = await SavingsTrendAsync(lastMonth, cancellationToken);
        var range = Range(trend.Months);
        if (trend.MonthsWithData < MinimumMonths)
        {
            return new ChartOutcome(null, $"No chart yet: savings can be computed for {Months(trend.MonthsWithData)} of {range}, and a chart needs at least {MinimumMonths}. Savings need usage, tasks and a baseline.");
        }

        var png = ChartRenderer.SavingsPng(trend);
        return new ChartOutcome(new ReplyChart(png, ChartAltText.Savings(trend), $"roi-savings-{range.Replace(' ', '-')}.png"), null);
    }

    /// <summary>
    /// For answers whose chart is an extra (`roi &lt;feature&gt;`, digests): a failure to draw is logged and the
    /// answer goes out without the picture instead of not at all.
    /// </summary>
    public async Task<ReplyChart?> FeatureChartOrNullAsync(string feature, ReportingPeriod lastMonth, CancellationToken cancellationToken)
    {
        try
        {
            return (await FeatureChartAsync(feature, lastMonth, cancellationToken)).Chart;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Could not draw the chart of {Feature}; the answer goes out without it", feature);
            return null;
        }
    }

    private async Task<IReadOnlyList<PeriodData>> ReadAsync(ReportingPeriod lastMonth, CancellationToken cancellationToken)
    {
        var data = new List<PeriodData>(MonthCount);
        foreach (var month in MonthsEndingWith(lastMonth))
        {
            data.Add(await reader.ReadAsync(month, clock.Zone, cancellationToken));
        }

        return data;
    }

    private static string Range(IReadOnlyList<ReportingPeriod> months) => $"{months[0].Label} to {months[^1].Label}";

    private static string Months(int count) => count == 1 ? "1 month" : $"{count} months";
}
