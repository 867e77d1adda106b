using Bot.Tests.Chat;

namespace Bot.Tests.Roi;

public sealed class ReportHandlerTests
{
    private static async Task<BotApplication> SeedAsync()
    {
        var app = new BotApplication();
        await RollupSeed.UsageAsync(app, "support-classification", "2026-11-10", 1.50m);
        await RollupSeed.TasksAsync(app, "support-classification", "2026-11", 50_000);
        await RollupSeed.UsageAsync(app, "meeting-summary", "2026-11-12", 16m, model: "claude-3-5-haiku");
        await RollupSeed.TasksAsync(app, "meeting-summary", "2026-11", 2_000);
        await RollupSeed.UsageAsync(app, "invoice-extraction", "2026-11-20", 250m);
        await RollupSeed.TasksAsync(app, "invoice-extraction", "2026-11", 5_000);
        await app.AskAsync("roi baseline support-classification 2m @ $50/h");
        await app.AskAsync("roi baseline meeting-summary 20m @ $50/h");
        await app.AskAsync("roi baseline invoice-extraction 4m @ $50/h");
        return app;
    }

    [Fact]
    public async Task Roi_LastCompleteMonth_ShowsSeedTable()
    {
        using var app = await SeedAsync();

        var reply = await app.AskAsync("roi");

        Assert.Equal("AI ROI by feature — November 2026", reply.Title);
        var table = Assert.Single(reply.Tables);
        Assert.Equal(["invoice-extraction", "5,000", "$0.05", "$3.33", "66.7x", "$16,416.67"], table.Rows[0]);
        Assert.Equal(["meeting-summary", "2,000", "$0.008", "$16.67", "2,083x", "$33,317.33"], table.Rows[1]);
        Assert.Equal(["support-classification", "50,000", "$0.00003", "$1.67", "55,556x", "$83,331.83"], table.Rows[2]);
        Assert.Equal(["Total", "57,000", "", "", "", "$133,065.83"], table.Totals);
        Assert.Equal("AI cost $267.50 (API + overhead) against $133,333.33 of human work.", Assert.Single(reply.Body));
        Assert.Empty(reply.Highlights);
    }

    [Fact]
    public async Task Roi_Feature_ShowsRowTrendModelsAndBasis()
    {
        using var app = await SeedAsync();

        var reply = await app.AskAsync("roi Meeting-Summary");

        Assert.Equal("meeting-summary — November 2026", reply.Title);
        Assert.Equal(3, reply.Tables.Count);
        Assert.Equal(["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"], reply.Tables[1].Rows.Select(r => r[0]));
        Assert.Equal("2,083x", reply.Tables[1].Rows[5][4]);
        Assert.Equal("claude-3-5-haiku", reply.Tables[2].Rows[0][0]);
        Assert.Contains(reply.Body, line => line.StartsWith("Baseline: 20 min @ $50.00/h = $16.67/task, set by alice", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Roi_UnknownFeature_SuggestsClosest()
    {
        using var app = await SeedAsync();

        var reply = await app.AskAsync("roi meeting-sumary");

        Assert.True(reply.IsError);
        Assert.Contains("Did you mean `meeting-summary`?", reply.Text());
    }

    [Theory]
    [InlineData("roi 2026-13")]
    [InlineData("roi meeting-summary 2026-Q7")]
    [InlineData("roi meeting-summary yesterday")]
    public async Task Roi_BadPeriod_RefusedWithForms(string text)
    {
        using var app = await SeedAsync();
        var reply = await app.AskAsync(text);
        Assert.True(reply.IsError);
        Assert.Contains("2026-Q3", reply.Text());
    }

    [Fact]
    public async Task Roi_Quarter_SumsItsMonths()
    {
        using var app = await SeedAsync();
        await RollupSeed.UsageAsync(app, "meeting-summary", "2026-10-03", 4m, model: "claude-3-5-haiku");
        await RollupSeed.TasksAsync(app, "meeting-summary", "2026-10", 500);

        var reply = await app.AskAsync("roi 2026-Q4");

        var row = reply.Tables[0].Rows.Single(r => r[0] == "meeting-summary");
        Assert.Equal("2,500", row[1]);
        Assert.Equal("$0.008", row[2]);
        Assert.Equal("Quarterly savings", reply.Tables[0].Columns[5].Header);
    }

    [Fact]
    public async Task Roi_FlagsNoBaselineNoTasksUnpricedNegative()
    {
        using var app = new BotApplication();
        await RollupSeed.UsageAsync(app, "new-feature", "2026-11-02", 3m);
        await RollupSeed.UsageAsync(app, "mystery", "2026-11-02", 0m, model: "acme-llm-9", unpriced: 4, input: 5000, output: 500);
        await RollupSeed.TasksAsync(app, "mystery", "2026-11", 10);
        await RollupSeed.UsageAsync(app, "costly", "2026-11-02", 500m);
        await RollupSeed.TasksAsync(app, "costly", "2026-11", 100);
        await app.AskAsync("roi baseline costly 1m @ $60/h");

        var text = (await app.AskAsync("roi")).Text();

        Assert.Contains("costly: negative ROI — AI cost $5.00/task is at or above the human $1.00/task. Optimize or cut.", text);
        Assert.Contains("new-feature: $3.00 of AI usage but no tasks completed in 2026-11.", text);
        Assert.Contains("mystery: no baseline", text);
        Assert.Contains("Unpriced model acme-llm-9: 4 records, 5,500 tokens (mystery)", text);
    }

    [Fact]
    public async Task Roi_PeriodWithoutDash_SuggestsThePeriod()
    {
        using var app = await SeedAsync();
        var reply = await app.AskAsync("roi lastmonth");
        Assert.True(reply.IsError);
        Assert.Contains("Did you mean `last-month`?", reply.Text());
    }

    [Fact]
    public async Task Roi_FeatureWhoseBaselineStartsLater_SaysWhenItStartsAndHowToCoverThisPeriod()
    {
        using var app = new BotApplication();
        await Bot.Tests.Usage.UsageTestKit.IngestAsync(app, "tests", Bot.Tests.Usage.UsageTestKit.Record(timestamp: "2026-10-10T10:00:00Z", feature: "brand-new-thing", taskId: "t1"));
        await app.AskAsync("roi baseline brand-new-thing 10m @ $30/h review 2m from 2026-11-15");

        var text = (await app.AskAsync("roi brand-new-thing 2026-10")).Text();

        Assert.Contains("Baseline: none in effect in October 2026; the first starts 2026-11-15. To cover this period, set one with `from`: `roi baseline brand-new-thing 10m @ $30.00/h review 2m from 2026-10-01`.", text);
        Assert.False((await app.AskAsync("roi baseline brand-new-thing 10m @ $30.00/h review 2m from 2026-10-01")).IsError);
    }

    [Theory]
    [InlineData("roi Q3")]
    [InlineData("roi nov")]
    [InlineData("roi November")]
    public async Task Roi_PeriodWithoutYear_SaysPeriodsCarryTheirYear(string text)
    {
        using var app = await SeedAsync();
        var reply = await app.AskAsync(text);
        Assert.True(reply.IsError);
        Assert.Equal($"'{text[4..]}' is not a period I know", reply.Title);
        Assert.Contains("Periods carry their year: `2026-11`, `2026-Q3`", reply.Text());
    }

    [Theory]
    [InlineData("roi 1900-01", "'1900-01' is out of range: years from 2000 to 2999 only.")]
    [InlineData("roi 2026-00", "'2026-00' is not a period I know.")]
    public async Task Roi_PeriodOutOfRange_SaysWhy(string text, string title)
    {
        using var app = new BotApplication();
        Assert.Equal(title, (await app.AskAsync(text)).Title);
    }

    [Fact]
    public async Task Overhead_UnknownFeature_RefusedWithSuggestionAndNothingCreated()
    {
        using var app = await SeedAsync();

        var reply = await app.AskAsync("roi overhead meeting-sumary $300/month");

        Assert.True(reply.IsError);
        Assert.Contains("Did you mean `meeting-summary`?", reply.Text());
        Assert.DoesNotContain("meeting-sumary", await app.Service<Bot.Roi.BaselineStore>().FeatureNamesAsync(default));
    }

    [Fact]
    public async Task Overhead_UnknownFeature_ShowsTheOverheadForms()
    {
        using var app = await SeedAsync();
        var text = (await app.AskAsync("roi overhead invoice-extractoin $10/month")).Text();
        Assert.Contains("Did you mean `invoice-extraction`?", text);
        Assert.Contains("`roi overhead <feature> $<amount>/month [from <yyyy-mm-dd>]`", text);
    }

    [Fact]
    public async Task Roi_OneLetterName_NoSuggestionByContainment()
    {
        using var app = await SeedAsync();
        var text = (await app.AskAsync("roi x")).Text();
        Assert.DoesNotContain("Did you mean", text);
    }

    [Fact]
    public async Task Overhead_KnownFeature_AddsToAiCostPerTask()
    {
        using var app = await SeedAsync();

        await app.AskAsync("roi overhead meeting-summary $300/month");

        var row = (await app.AskAsync("roi")).Tables[0].Rows.Single(r => r[0] == "meeting-summary");
        Assert.Equal("$0.16", row[2]);
    }

    [Fact]
    public async Task Overhead_PeriodWithoutActivity_CarriesNone()
    {
        using var app = await SeedAsync();
        await app.AskAsync("roi overhead meeting-summary $300/month");

        var early = await app.AskAsync("roi 2020-01");

        Assert.Equal("AI cost $0.00 (API + overhead) against $0.00 of human work.", Assert.Single(early.Body));
    }

    [Fact]
    public async Task Roi_Empty_ExplainsHowToStart()
    {
        using var app = new BotApplication();
        var reply = await app.AskAsync("roi");
        Assert.Contains("No features yet", reply.Text());
    }
}
