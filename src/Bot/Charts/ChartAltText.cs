using Bot.Roi;

namespace Bot.Charts;

/// <summary>The chart in words: what text-only channels and screen readers get instead of the picture.</summary>
internal static class ChartAltText
{
    public static string FeatureTrend(FeatureTrend trend)
    {
        var months = trend.Months;
        var withData = months.Where(m => m.HasData).ToList();
        var parts = new List<string>
        {
            $"Chart of {trend.Feature}, {months[0].Month.Label} to {months[^1].Month.Label}: {withData.Count} months with data.",
            Series("ROI multiple", months.Select(m => (m.Month, m.RoiMultiple)), Money.FormatMultiple, withExtremes: true) + " Break-even is 1x.",
            Series("AI cost per task", months.Select(m => (m.Month, m.AiCostPerTask)), Money.Format, withExtremes: false),
            Series("Human cost per task", months.Select(m => (m.Month, m.HumanCostPerTask)), Money.Format, withExtremes: false),
        };
        parts.AddRange(trend.BaselineChanges.Select(c => $"Baseline changed in {c.Month.Label} to {Money.Format(c.HumanCostPerTask)}/task."));
        return string.Join(' ', parts);
    }

    public static string Savings(SavingsTrend trend)
    {
        var months = trend.Months;
        var parts = new List<string> { $"Chart of savings per feature per month, {months[0].Label} to {months[^1].Label}." };
        parts.AddRange(trend.Features.Select(f => Series(f.Feature, months.Zip(f.Savings), Money.Format, withExtremes: false)));
        var lastIndex = Enumerable.Range(0, months.Count).Last(i => trend.Features.Any(f => f.Savings[i] is not null));
        var total = trend.Features.Sum(f => f.Savings[lastIndex] ?? 0m);
        parts.Add($"All features together in {months[lastIndex].Label}: {Money.Format(total)}.");
        return string.Join(' ', parts);
    }

    /// <summary>"ROI multiple: 3,200x in 2026-06, 2,083x in 2026-11 (lowest …, highest …)." or "none".</summary>
    private static string Series(string name, IEnumerable<(ReportingPeriod Month, decimal? Value)> values, Func<decimal, string> format, bool withExtremes)
    {
        var points = values.Where(v => v.Value is not null).Select(v => (v.Month, Value: v.Value!.Value)).ToList();
        if (points.Count == 0)
        {
            return $"{name}: none.";
        }

        var text = $"{name}: {format(points[0].Value)} in {points[0].Month.Label}";
        if (points.Count > 1)
        {
            text += $", {format(points[^1].Value)} in {points[^1].Month.Label}";
        }

        if (withExtremes && points.Count > 2)
        {
            var low = points.MinBy(p => p.Value);
            var high = points.MaxBy(p => p.Value);
            text += $" (lowest {format(low.Value)} in {low.Month.Label}, highest {format(high.Value)} in {high.Month.Label})";
        }

        return text + ".";
    }
}
