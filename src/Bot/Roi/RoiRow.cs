namespace Bot.Roi;

[Flags]
internal enum RoiFlags
{
    None = 0,
    NoBaseline = 1,
    NoTasks = 2,
    NegativeRoi = 4,
    Unpriced = 8,
    NoUsage = 16,
}

/// <summary>What went into one feature's numbers for one period; everything the row is computed from.</summary>
internal sealed record FeaturePeriodInput(
    string Feature,
    ReportingPeriod Period,
    decimal ApiCost,
    decimal Overhead,
    long SucceededTasks,
    long FailedTasks,
    long UsageRecords,
    long UnpricedRecords,
    Baseline? Baseline);

/// <summary>
/// One feature in one period. Null means "cannot be computed" and is shown in words, never as ∞ or NaN.
/// </summary>
internal sealed record RoiRow(
    FeaturePeriodInput Input,
    decimal? AiCostPerTask,
    decimal? HumanCostPerTask,
    decimal? RoiMultiple,
    decimal? Savings,
    RoiFlags Flags)
{
    public string Feature => Input.Feature;

    public ReportingPeriod Period => Input.Period;

    public long SucceededTasks => Input.SucceededTasks;

    public decimal TotalAiCost => Input.ApiCost + Input.Overhead;

    public bool Has(RoiFlags flag) => (Flags & flag) == flag;
}

internal static class RoiCalculator
{
    /// <summary>
    /// AI cost/task = (API cost + overhead) ÷ succeeded tasks + review time × rate.
    /// Human cost/task = the baseline in effect at the end of the period.
    /// ROI multiple = human ÷ AI; savings = succeeded tasks × (human − AI).
    /// </summary>
    public static RoiRow Compute(FeaturePeriodInput input)
    {
        var flags = RoiFlags.None;
        if (input.Baseline is null)
        {
            flags |= RoiFlags.NoBaseline;
        }

        if (input.SucceededTasks == 0)
        {
            flags |= RoiFlags.NoTasks;
        }

        if (input.UnpricedRecords > 0)
        {
            flags |= RoiFlags.Unpriced;
        }

        if (input.UsageRecords == 0 && input.ApiCost == 0)
        {
            flags |= RoiFlags.NoUsage;
        }

        decimal? aiPerTask = input.SucceededTasks > 0
            ? ((input.ApiCost + input.Overhead) / input.SucceededTasks) + (input.Baseline?.ReviewCostPerTask ?? 0m)
            : null;
        var humanPerTask = input.Baseline?.HumanCostPerTask;

        decimal? multiple = aiPerTask is > 0 && humanPerTask is { } human ? human / aiPerTask.Value : null;
        decimal? savings = aiPerTask is { } ai && humanPerTask is { } h ? input.SucceededTasks * (h - ai) : null;

        if (aiPerTask is { } a && humanPerTask is { } hu && a >= hu)
        {
            flags |= RoiFlags.NegativeRoi;
        }

        return new RoiRow(input, aiPerTask, humanPerTask, multiple, savings, flags);
    }
}
