using Bot.Chat;
using Bot.Digests;
using Bot.Roi;

namespace Bot.Tests.Digests;

/// <summary>What a digest says, on data written through the real stores and rollup tables.</summary>
public sealed class DigestBuilderTests
{
    private static readonly ReportingPeriod November = ReportingPeriod.Month(2026, 11);

    private static (BotApplication App, DigestTestData Data) Bot()
    {
        var app = new BotApplication(DigestHosts.Settings());
        return (app, new DigestTestData(app.Services));
    }

    private static string Highlight(Reply reply, string feature, HighlightKind kind = HighlightKind.Warning) =>
        Assert.Single(reply.Highlights, h => h.Kind == kind && h.Text.StartsWith(feature + ":", StringComparison.Ordinal)).Text;

    [Fact]
    public async Task Declining_AiCostUp_NamesTheModelAndTheTokenChange()
    {
        var (app, data) = Bot();
        using var _ = app;
        await data.BaselineAsync("support-classifier", 2m, 50m); // $1.67/task
        foreach (var (month, gptCost, gptInput) in new[] { ("2026-10", 20m, 2_000_000L), ("2026-11", 60m, 6_000_000L) })
        {
            await data.TasksAsync("support-classifier", month, 1000);
            await data.UsageAsync("support-classifier", month, "gpt-4o-mini", gptCost, input: gptInput, output: 100_000);
            await data.UsageAsync("support-classifier", month, "claude-haiku", 5m, input: 500_000, output: 50_000);
        }

        var reply = await data.DigestAsync(DigestKind.Monthly, November);

        var text = Highlight(reply, "support-classifier");
        Assert.Contains("ROI multiple down 62% (66.7x → 25.6x against October 2026)", text);
        Assert.Contains("Cause: AI cost per task up: gpt-4o-mini $0.02 → $0.06/task (+200%) (tokens per task 2,100 → 6,100, mostly input (2,000 → 6,000)) (100% of the fall).", text);
        Assert.DoesNotContain("claude-haiku", text);
    }

    [Fact]
    public async Task Declining_BaselineLowered_SaysWhenAndByWhom()
    {
        var (app, data) = Bot();
        using var _ = app;
        await data.BaselineAsync("meeting-summary", 20m, 50m, setBy: "alice");
        await data.BaselineAsync("meeting-summary", 10m, 50m, setBy: "bob",
            effectiveFrom: new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), setAt: new DateTimeOffset(2026, 11, 5, 14, 0, 0, TimeSpan.Zero));
        await data.MonthAsync("meeting-summary", "2026-10", 2000, 16m);
        await data.MonthAsync("meeting-summary", "2026-11", 2000, 16m);

        var reply = await data.DigestAsync(DigestKind.Monthly, November);

        var text = Highlight(reply, "meeting-summary");
        Assert.Contains("ROI multiple down 50% (2,083x → 1,042x against October 2026)", text);
        Assert.Contains("Cause: human baseline lowered from $16.67 to $8.33/task (10 min @ $50.00/h = $8.33/task), set by bob on 2026-11-05, effective 2026-11-01 (100% of the fall).", text);
    }

    [Fact]
    public async Task Declining_VolumeDown_SaysTheFixedOverheadWeighsMorePerTask()
    {
        var (app, data) = Bot();
        using var _ = app;
        await data.BaselineAsync("invoice-extraction", 4m, 50m); // $3.33/task
        await data.OverheadAsync("invoice-extraction", 300m);
        await data.MonthAsync("invoice-extraction", "2026-10", 1000, 50m); // $0.05 API + $0.30 overhead per task
        await data.MonthAsync("invoice-extraction", "2026-11", 200, 10m); // $0.05 API + $1.50 overhead per task

        var reply = await data.DigestAsync(DigestKind.Monthly, November);

        var text = Highlight(reply, "invoice-extraction");
        Assert.Contains("ROI multiple down 77% (9.52x → 2.15x against October 2026)", text);
        Assert.Contains("Cause: volume down from 1,000 to 200 succeeded tasks, so the $300.00 fixed overhead weighs $1.50/task instead of $0.30 (100% of the fall).", text);
    }

    [Fact]
    public async Task Declining_FailedShareUp_IsNamedAsTheCause()
    {
        var (app, data) = Bot();
        using var _ = app;
        await data.BaselineAsync("code-review", 10m, 60m); // $10/task
        await data.MonthAsync("code-review", "2026-10", 1000, 100m, failed: 0);
        await data.MonthAsync("code-review", "2026-11", 500, 100m, failed: 500); // same usage per attempt, half fail

        var reply = await data.DigestAsync(DigestKind.Monthly, November);

        var text = Highlight(reply, "code-review");
        Assert.Contains("ROI multiple down 50%", text);
        Assert.Contains("failed tasks up from 0% to 50% of all tasks", text);
    }

    [Fact]
    public async Task Declining_ThreeSmallFallsInARow_IsFlaggedAgainstWhereTheFallBegan()
    {
        var (app, data) = Bot();
        using var _ = app;
        await data.BaselineAsync("search-answers", 1m, 60m); // $1/task
        foreach (var (month, cost) in new[] { ("2026-08", 10m), ("2026-09", 11m), ("2026-10", 12m), ("2026-11", 13m) })
        {
            await data.MonthAsync("search-answers", month, 1000, cost);
        }

        var reply = await data.DigestAsync(DigestKind.Monthly, November);

        var text = Highlight(reply, "search-answers");
        Assert.Contains("ROI multiple fell three months in a row (100x → 90.9x → 83.3x → 76.9x)", text);
        Assert.Contains("Against August 2026.", text);
        Assert.Contains("AI cost per task up: gpt-4o-mini $0.01 → $0.013/task (+30%)", text);
    }

    [Fact]
    public async Task Declining_SecondMonthRunning_SaysForHowLong()
    {
        var (app, data) = Bot();
        using var _ = app;
        await data.BaselineAsync("support-classifier", 2m, 50m);
        await data.MonthAsync("support-classifier", "2026-09", 1000, 20m);
        await data.MonthAsync("support-classifier", "2026-10", 1000, 30m);
        await data.MonthAsync("support-classifier", "2026-11", 1000, 45m);

        var reply = await data.DigestAsync(DigestKind.Monthly, November);

        Assert.StartsWith("support-classifier: declining for 2 months — ROI multiple down 33% (55.6x → 37.0x against October 2026).", Highlight(reply, "support-classifier"));
    }

    [Fact]
    public async Task SmallSingleFall_IsNotDeclining()
    {
        var (app, data) = Bot();
        using var _ = app;
        await data.BaselineAsync("search-answers", 1m, 60m);
        await data.MonthAsync("search-answers", "2026-10", 1000, 10m);
        await data.MonthAsync("search-answers", "2026-11", 1000, 11m); // -9%

        var reply = await data.DigestAsync(DigestKind.Monthly, November);

        Assert.DoesNotContain(reply.Highlights, h => h.Text.StartsWith("search-answers:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Negative_PersistingFlagSaysForHowLong_NewOneSaysNewly()
    {
        var (app, data) = Bot();
        using var _ = app;
        await data.BaselineAsync("legal-drafts", 1m, 60m); // $1/task
        await data.BaselineAsync("translation", 1m, 60m);
        foreach (var month in new[] { "2026-09", "2026-10", "2026-11" })
        {
            await data.MonthAsync("legal-drafts", month, 100, 150m); // $1.50/task: negative all along
        }

        await data.MonthAsync("translation", "2026-10", 100, 50m);
        await data.MonthAsync("translation", "2026-11", 100, 120m);

        var reply = await data.DigestAsync(DigestKind.Monthly, November);

        Assert.Equal("legal-drafts: negative for 3 months — AI cost $1.50/task against the human $1.00/task. Optimize or cut.", Highlight(reply, "legal-drafts", HighlightKind.Negative));
        Assert.Equal("translation: newly negative ROI — AI cost $1.20/task against the human $1.00/task. Optimize or cut.", Highlight(reply, "translation", HighlightKind.Negative));
    }

    [Fact]
    public async Task MissingBaselineUsageWithoutTasksAndUnpricedModels_AreFlagged()
    {
        var (app, data) = Bot();
        using var _ = app;
        await data.MonthAsync("no-baseline", "2026-10", 10, 1m);
        await data.MonthAsync("no-baseline", "2026-11", 10, 1m);
        await data.BaselineAsync("no-tasks", 1m, 60m);
        await data.UsageAsync("no-tasks", "2026-11", "gpt-4o", 7.5m);
        await data.BaselineAsync("mystery", 1m, 60m);
        await data.TasksAsync("mystery", "2026-11", 10);
        await data.UsageAsync("mystery", "2026-11", "llama-local", 0m, input: 40_000, output: 2_000, records: 12, unpriced: 12);

        var reply = await data.DigestAsync(DigestKind.Monthly, November);

        Assert.StartsWith("no-baseline: no baseline for 2 months, so its ROI cannot be computed", Highlight(reply, "no-baseline"));
        Assert.StartsWith("no-tasks: $7.50 of AI usage but no tasks completed in November 2026.", Highlight(reply, "no-tasks"));
        Assert.Contains(reply.Highlights, h => h.Text.StartsWith("Unpriced model llama-local: 12 records, 42,000 tokens (mystery) not in the cost.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PeriodWithNoData_SaysSoInOneLine()
    {
        var (app, data) = Bot();
        using var _ = app;
        await data.BaselineAsync("meeting-summary", 20m, 50m);
        await data.MonthAsync("meeting-summary", "2026-10", 100, 1m);

        var reply = await data.DigestAsync(DigestKind.Monthly, November);

        Assert.Equal("Monthly ROI digest — November 2026\nNo usage or tasks were recorded in November 2026.\n", PlainTextRenderer.Render(reply).ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task ZeroAndMissingDenominators_ReadNotApplicable_NeverInfinity()
    {
        var (app, data) = Bot();
        using var _ = app;
        await data.BaselineAsync("new-feature", 5m, 60m);
        await data.UsageAsync("new-feature", "2026-10", "gpt-4o-mini", 3m); // usage, no tasks: no multiple, no savings
        await data.MonthAsync("new-feature", "2026-11", 100, 10m);
        await data.BaselineAsync("free-feature", 5m, 60m);
        await data.TasksAsync("free-feature", "2026-11", 50); // no AI cost at all

        var reply = await data.DigestAsync(DigestKind.Monthly, November);
        var text = PlainTextRenderer.Render(reply);

        Assert.Contains("Total savings $740.00 against $0.00 in October 2026: up $740.00 (n/a).", text);
        var comparison = reply.Tables.Single(t => t.Caption == "Against October 2026");
        Assert.Equal(["new-feature", "n/a", "50.0x", "n/a", "n/a"], comparison.Rows.Single(r => r[0] == "new-feature"));
        Assert.Equal(["free-feature", "n/a", "n/a (no AI cost)", "n/a", "n/a"], comparison.Rows.Single(r => r[0] == "free-feature"));
        Assert.DoesNotContain("∞", text);
        Assert.DoesNotContain("NaN", text);
        Assert.DoesNotContain("Infinity", text);
    }

    [Fact]
    public async Task Quarterly_ComparesWithThePreviousQuarterAndShowsEachFeaturesMonthlyTrend()
    {
        var (app, data) = Bot();
        using var _ = app;
        await data.BaselineAsync("support-classifier", 2m, 50m);
        foreach (var (month, cost) in new[] { ("2026-04", 20m), ("2026-05", 20m), ("2026-06", 20m), ("2026-07", 20m), ("2026-08", 40m), ("2026-09", 80m) })
        {
            await data.MonthAsync("support-classifier", month, 1000, cost);
        }

        var reply = await data.DigestAsync(DigestKind.Quarterly, ReportingPeriod.Quarter(2026, 3));

        Assert.Equal("Quarterly ROI digest — Q3 2026", reply.Title);
        var trend = reply.Tables.Single(t => t.Caption == "Monthly trend within Q3 2026");
        Assert.Equal(["Feature", "ROI 2026-07", "ROI 2026-08", "ROI 2026-09", "Trend"], trend.Columns.Select(c => c.Header));
        Assert.Equal(["support-classifier", "83.3x", "41.7x", "20.8x", "falling"], trend.Rows.Single());
        var comparison = reply.Tables.Single(t => t.Caption == "Against Q2 2026");
        Assert.Equal(["support-classifier", "83.3x", "35.7x", "-57%", "-$80.00"], comparison.Rows.Single());
        Assert.Contains("ROI multiple down 57% (83.3x → 35.7x against Q2 2026)", Highlight(reply, "support-classifier"));
    }

    [Fact]
    public async Task Digest_RenderedAsText_ShowsTableTotalsAndFlags()
    {
        var (app, data) = Bot();
        using var _ = app;
        await data.BaselineAsync("support-classifier", 2m, 50m);
        await data.BaselineAsync("legal-drafts", 1m, 60m);
        await data.MonthAsync("support-classifier", "2026-10", 1000, 20m);
        await data.MonthAsync("support-classifier", "2026-11", 1000, 20m);
        await data.MonthAsync("legal-drafts", "2026-11", 100, 150m);

        var text = PlainTextRenderer.Render(await data.DigestAsync(DigestKind.Monthly, November));

        Assert.StartsWith("Monthly ROI digest — November 2026", text);
        Assert.Contains("support-classifier | 1,000 |        $0.02 |           $1.67 |        83.3x |       $1,646.67", text);
        Assert.Contains("- legal-drafts: newly negative ROI — AI cost $1.50/task against the human $1.00/task. Optimize or cut.", text);
        Assert.Contains("Total savings $1,596.67 against $1,646.67 in October 2026: down $50.00 (-3%).", text);
    }
}
