using Bot.Roi;

namespace Bot.Charts;

/// <summary>One feature in one month, as the ROI table computes it. Null means "no value" and leaves a gap.</summary>
internal sealed record TrendMonth(ReportingPeriod Month, decimal? RoiMultiple, decimal? AiCostPerTask, decimal? HumanCostPerTask)
{
    public bool HasData => RoiMultiple is not null || AiCostPerTask is not null;
}

/// <summary>A baseline that took effect inside the chart's months; <see cref="HumanCostPerTask"/> is the new value.</summary>
internal sealed record BaselineChange(ReportingPeriod Month, decimal HumanCostPerTask);

/// <summary>What the feature chart draws: its months oldest first, and where the human baseline changed.</summary>
internal sealed record FeatureTrend(string Feature, IReadOnlyList<TrendMonth> Months, IReadOnlyList<BaselineChange> BaselineChanges)
{
    public int MonthsWithData => Months.Count(m => m.HasData);
}

/// <summary>One feature's savings per month, aligned with <see cref="SavingsTrend.Months"/>.</summary>
internal sealed record FeatureSavings(string Feature, IReadOnlyList<decimal?> Savings);

/// <summary>What the all-features chart draws: savings per feature per month.</summary>
internal sealed record SavingsTrend(IReadOnlyList<ReportingPeriod> Months, IReadOnlyList<FeatureSavings> Features)
{
    public int MonthsWithData => Months.Where((_, i) => Features.Any(f => f.Savings[i] is not null)).Count();
}
