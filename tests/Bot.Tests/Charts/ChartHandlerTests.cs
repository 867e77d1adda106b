using Bot.Charts;
using Bot.Roi;
using Bot.Tests.Chat;

namespace Bot.Tests.Charts;

public sealed class ChartHandlerTests
{
    /// <summary>meeting-summary from 2026-06 to 2026-11 (the demo's numbers), baseline 20m @ $50/h, 25m from 2026-09.</summary>
    private static async Task<BotApplication> SeedAsync()
    {
        var app = new BotApplication();
        (string Month, long Tasks, decimal Cost)[] months = [("2026-06", 1_200, 6m), ("2026-07", 1_400, 8m), ("2026-08", 1_600, 10m), ("2026-09", 1_800, 12m), ("2026-10", 1_900, 14m), ("2026-11", 2_000, 16m)];
        foreach (var (month, tasks, cost) in months)
        {
            await RollupSeed.UsageAsync(app, "meeting-summary", month + "-15", cost, model: "claude-3-5-haiku");
            await RollupSeed.TasksAsync(app, "meeting-summary", month, tasks);
        }

        await RollupSeed.UsageAsync(app, "support-classification", "2026-10-10", 1.48m);
        await RollupSeed.TasksAsync(app, "support-classification", "2026-10", 48_000);
        await RollupSeed.UsageAsync(app, "support-classification", "2026-11-10", 1.50m);
        await RollupSeed.TasksAsync(app, "support-classification", "2026-11", 50_000);
        await RollupSeed.UsageAsync(app, "invoice-extraction", "2026-11-20", 250m);
        await RollupSeed.TasksAsync(app, "invoice-extraction", "2026-11", 5_000);
        await app.AskAsync("roi baseline meeting-summary 20m @ $50/h");
        await app.AskAsync("roi baseline meeting-summary 25m @ $50/h from 2026-09-01");
        await app.AskAsync("roi baseline support-classification 2m @ $50/h");
        await app.AskAsync("roi baseline invoice-extraction 4m @ $50/h");
        return app;
    }

    [Fact]
    public async Task FeatureTrend_SeededMonths_EqualTheStoredNumbers()
    {
        using var app = await SeedAsync();

        var trend = await app.Service<ChartService>().FeatureTrendAsync("meeting-summary", ReportingPeriod.Month(2026, 11), default);

        Assert.Equal(ChartService.MonthCount, trend.Months.Count);
        Assert.Equal("2025-12", trend.Months[0].Month.Label);
        Assert.Equal(6, trend.MonthsWithData);
        Assert.All(trend.Months.Take(6), m => Assert.False(m.HasData));
        Assert.Equal(6m / 1_200m, trend.Months[6].AiCostPerTask);
        Assert.Equal(20m * 50m / 60m, trend.Months[8].HumanCostPerTask);
        Assert.Equal(25m * 50m / 60m, trend.Months[9].HumanCostPerTask);
        Assert.Equal(16m / 2_000m, trend.Months[11].AiCostPerTask);
        Assert.Equal(25m * 50m / 60m / (16m / 2_000m), trend.Months[11].RoiMultiple);
        var change = Assert.Single(trend.BaselineChanges);
        Assert.Equal(("2026-09", 25m * 50m / 60m), (change.Month.Label, change.HumanCostPerTask));

        // The same numbers `roi` reads, month by month.
        var reader = app.Service<RoiReader>();
        foreach (var month in trend.Months)
        {
            var row = (await reader.ReadAsync(month.Month, TimeZoneInfo.Utc, default)).Row("meeting-summary");
            Assert.Equal((row?.RoiMultiple, row?.AiCostPerTask, row?.HumanCostPerTask), (month.RoiMultiple, month.AiCostPerTask, month.HumanCostPerTask));
        }
    }

    [Fact]
    public async Task SavingsTrend_SeededMonths_EqualTheStoredNumbers()
    {
        using var app = await SeedAsync();

        var trend = await app.Service<ChartService>().SavingsTrendAsync(ReportingPeriod.Month(2026, 11), default);

        Assert.Equal(["invoice-extraction", "meeting-summary", "support-classification"], trend.Features.Select(f => f.Feature));
        var support = trend.Features[2].Savings;
        Assert.Equal(50_000m * ((2m * 50m / 60m) - (1.50m / 50_000m)), support[11]);
        Assert.Equal(48_000m * ((2m * 50m / 60m) - (1.48m / 48_000m)), support[10]);
        Assert.Null(support[9]);
        Assert.Equal(2_000m * ((25m * 50m / 60m) - (16m / 2_000m)), trend.Features[1].Savings[11]);
    }

    [Fact]
    public async Task RoiChartFeature_SixMonths_RepliesWithChartAndAltText()
    {
        using var app = await SeedAsync();

        var reply = await app.AskAsync("roi chart Meeting-Summary");

        Assert.False(reply.IsError);
        Assert.Equal("meeting-summary — 2025-12 to 2026-11", reply.Title);
        var chart = Assert.Single(reply.Charts);
        using var bitmap = ChartRendererTests.Decode(chart.Png);
        Assert.Equal((800, 450), (bitmap.Width, bitmap.Height));
        Assert.Equal("roi-meeting-summary-2025-12-to-2026-11.png", chart.FileName);
        Assert.Contains("ROI multiple: 3,333x in 2026-06, 2,604x in 2026-11 (lowest 2,604x in 2026-11, highest 3,333x in 2026-06). Break-even is 1x.", chart.AltText);
        Assert.Contains("AI cost per task: $0.005 in 2026-06, $0.008 in 2026-11.", chart.AltText);
        Assert.Contains("Baseline changed in 2026-09 to $20.83/task.", chart.AltText);
    }

    [Fact]
    public async Task RoiChart_AllFeatures_SavingsChart()
    {
        using var app = await SeedAsync();

        var reply = await app.AskAsync("roi chart");

        Assert.Equal("Savings per feature — 2025-12 to 2026-11", reply.Title);
        var chart = Assert.Single(reply.Charts);
        Assert.Contains("support-classification: $79,998.52 in 2026-10, $83,331.83 in 2026-11.", chart.AltText);
        Assert.Contains("invoice-extraction: $16,416.67 in 2026-11.", chart.AltText);
    }

    [Fact]
    public async Task RoiChart_OneMonthOfData_SentenceInsteadOfChart()
    {
        using var app = await SeedAsync();

        var reply = await app.AskAsync("roi chart invoice-extraction");

        Assert.Empty(reply.Charts);
        Assert.False(reply.IsError);
        Assert.Equal("No chart yet: invoice-extraction has numbers for 1 month of 2025-12 to 2026-11, and a chart needs at least 2.", Assert.Single(reply.Body));
    }

    [Fact]
    public async Task RoiChart_NoSavingsYet_SentenceInsteadOfChart()
    {
        using var app = new BotApplication();
        await RollupSeed.UsageAsync(app, "meeting-summary", "2026-11-12", 16m);
        await RollupSeed.TasksAsync(app, "meeting-summary", "2026-11", 2_000);

        var reply = await app.AskAsync("roi chart");

        Assert.Empty(reply.Charts);
        Assert.StartsWith("No chart yet: savings can be computed for 0 months of 2025-12 to 2026-11", Assert.Single(reply.Body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("roi chart meeting-sumary", "Did you mean `meeting-summary`?")]
    [InlineData("roi chart meeting-summary invoice-extraction", "Forms: `roi chart` (every feature) or `roi chart <feature>`.")]
    public async Task RoiChart_BadArguments_ErrorWithForms(string text, string expected)
    {
        using var app = await SeedAsync();

        var reply = await app.AskAsync(text);

        Assert.True(reply.IsError);
        Assert.Empty(reply.Charts);
        Assert.Contains(expected, reply.Text());
    }

    [Fact]
    public async Task RoiFeature_WithHistory_CarriesTheFeatureChart()
    {
        using var app = await SeedAsync();

        var reply = await app.AskAsync("roi meeting-summary 2026-10");

        Assert.Equal("roi-meeting-summary-2025-11-to-2026-10.png", Assert.Single(reply.Charts).FileName);
        Assert.Contains("[chart] Chart of meeting-summary, 2025-11 to 2026-10", reply.Text());
    }
}
