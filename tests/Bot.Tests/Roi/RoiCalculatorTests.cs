using Bot.Roi;

namespace Bot.Tests.Roi;

public sealed class RoiCalculatorTests
{
    private static readonly ReportingPeriod November = ReportingPeriod.Month(2026, 11);

    private static Baseline TimeBaseline(string feature, decimal minutes, decimal rate, decimal review = 0) =>
        new(feature, minutes, rate, null, review, null, DateTimeOffset.UnixEpoch, "alice", DateTimeOffset.UnixEpoch);

    private static FeaturePeriodInput Input(string feature, decimal apiCost, long succeeded, Baseline? baseline, decimal overhead = 0, long failed = 0, long records = 1) =>
        new(feature, November, apiCost, overhead, succeeded, failed, records, 0, baseline);

    [Theory]
    [InlineData("support-classification", 1.50, 50000, 2, "$0.00003", "$1.67", "55,556x", "$83,331.83")]
    [InlineData("meeting-summary", 16, 2000, 20, "$0.008", "$16.67", "2,083x", "$33,317.33")]
    [InlineData("invoice-extraction", 250, 5000, 4, "$0.05", "$3.33", "66.7x", "$16,416.67")]
    public void Compute_SeedExample_MatchesExactArithmetic(string feature, double apiCost, long tasks, int minutes, string ai, string human, string multiple, string savings)
    {
        var row = RoiCalculator.Compute(Input(feature, (decimal)apiCost, tasks, TimeBaseline(feature, minutes, 50)));

        Assert.Equal(ai, Money.Format(row.AiCostPerTask!.Value));
        Assert.Equal(human, Money.Format(row.HumanCostPerTask!.Value));
        Assert.Equal(multiple, Money.FormatMultiple(row.RoiMultiple!.Value));
        Assert.Equal(savings, Money.Format(row.Savings!.Value));
        Assert.Equal(RoiFlags.None, row.Flags);
    }

    [Fact]
    public void Compute_SupportClassification_SavingsExactToTheNanoDollar()
    {
        var row = RoiCalculator.Compute(Input("support-classification", 1.50m, 50_000, TimeBaseline("support-classification", 2, 50)));

        // 50,000 × (100/60 − 0.00003) = 83,333.333… − 1.50
        Assert.Equal(83_331.833333333m, decimal.Round(row.Savings!.Value, 9));
    }

    [Fact]
    public void Compute_ReviewTimeAndOverhead_AddToAiCostPerTask()
    {
        // $16 API + $300 overhead over 2,000 tasks = $0.158, plus 5 min review at $50/h = $4.1666…
        var row = RoiCalculator.Compute(Input("meeting-summary", 16m, 2_000, TimeBaseline("meeting-summary", 20, 50, review: 5), overhead: 300m));

        Assert.Equal(0.158m + (250m / 60m), row.AiCostPerTask);
        Assert.Equal("$4.32", Money.Format(row.AiCostPerTask!.Value));
        Assert.Equal("3.85x", Money.FormatMultiple(row.RoiMultiple!.Value));
    }

    [Fact]
    public void Compute_NoTasks_NoMultipleNoSavingsFlagged()
    {
        var row = RoiCalculator.Compute(Input("x", 5m, 0, TimeBaseline("x", 2, 50)));

        Assert.Null(row.AiCostPerTask);
        Assert.Null(row.RoiMultiple);
        Assert.Null(row.Savings);
        Assert.True(row.Has(RoiFlags.NoTasks));
        Assert.Equal(new[] { "x", "no tasks", "no tasks", "$1.67", "n/a", "n/a" }, RoiTables.Cells(row));
    }

    [Fact]
    public void Compute_NoBaseline_SaysSoInWords()
    {
        var row = RoiCalculator.Compute(Input("x", 5m, 100, null));

        Assert.Equal(0.05m, row.AiCostPerTask);
        Assert.True(row.Has(RoiFlags.NoBaseline));
        Assert.Equal(new[] { "x", "100", "$0.05", "no baseline", "n/a", "n/a" }, RoiTables.Cells(row));
    }

    [Fact]
    public void Compute_ZeroAiCost_MultipleIsNotInfinite()
    {
        var row = RoiCalculator.Compute(Input("x", 0m, 100, TimeBaseline("x", 2, 50)));

        Assert.Equal(0m, row.AiCostPerTask);
        Assert.Null(row.RoiMultiple);
        Assert.Equal("n/a (no AI cost)", RoiTables.MultipleCell(row));
        Assert.Equal(100 * (100m / 60m), row.Savings);
    }

    [Fact]
    public void Compute_AiCostAtHumanCost_FlaggedNegative()
    {
        // 10 tasks at $1/task AI against 1.2 min × $50/h = $1/task human.
        var row = RoiCalculator.Compute(Input("x", 10m, 10, TimeBaseline("x", 1.2m, 50)));

        Assert.True(row.Has(RoiFlags.NegativeRoi));
        Assert.Equal(0m, row.Savings);
    }

    [Fact]
    public void Compute_FailedTasks_CostCountsOnlySucceededSave()
    {
        var row = RoiCalculator.Compute(Input("x", 100m, 80, TimeBaseline("x", 6, 50), failed: 20));

        Assert.Equal(1.25m, row.AiCostPerTask);
        Assert.Equal(80 * (5m - 1.25m), row.Savings);
    }

    [Fact]
    public void BaselineInEffect_PicksLatestStartedBeforeTheInstant()
    {
        var early = TimeBaseline("x", 2, 50);
        var later = early with { Minutes = 1, EffectiveFrom = new DateTimeOffset(2026, 11, 15, 0, 0, 0, TimeSpan.Zero) };

        Assert.Equal(1m, Baseline.InEffect([early, later], new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero))!.Minutes);
        Assert.Equal(2m, Baseline.InEffect([early, later], new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero))!.Minutes);
    }
}
