using Bot.Demo;
using Bot.Tests.Chat;

namespace Bot.Tests;

public sealed class DemoTests
{
    [Fact]
    public async Task Demo_ThenRoi_ShowsTheSeedTable()
    {
        using var app = new BotApplication();
        await DemoLoader.LoadAsync(app.Services, default);

        var reply = await app.AskAsync("roi");

        Assert.Equal("AI ROI by feature — November 2026", reply.Title);
        var rows = reply.Tables[0].Rows;
        Assert.Equal(["invoice-extraction", "5,000", "$0.05", "$3.33", "66.7x", "$16,416.67"], rows[0]);
        Assert.Equal(["meeting-summary", "2,000", "$0.008", "$16.67", "2,083x", "$33,317.33"], rows[1]);
        Assert.Equal(["support-classification", "50,000", "$0.00003", "$1.67", "55,556x", "$83,331.83"], rows[2]);
    }

    [Fact]
    public async Task Demo_LoadedTwice_StoredOnceAndBaselinesKept()
    {
        using var app = new BotApplication();
        await app.AskAsync("roi baseline meeting-summary 15m @ $60/h", "carol");
        var first = await DemoLoader.LoadAsync(app.Services, default);
        var second = await DemoLoader.LoadAsync(app.Services, default);

        Assert.Contains("549 usage records stored (0 already there)", first);
        Assert.Contains("0 usage records stored (549 already there)", second);
        var row = (await app.AskAsync("roi")).Tables[0].Rows.Single(r => r[0] == "meeting-summary");
        Assert.Equal("$15.00", row[3]);
    }

    [Fact]
    public async Task Demo_LoadedAgainAfterAUserReportedACount_KeepsTheUsersCount()
    {
        using var app = new BotApplication();
        await DemoLoader.LoadAsync(app.Services, default);
        await app.Service<Bot.Usage.TaskStore>().SaveAsync([], [new Bot.Usage.TaskCountReport("meeting-summary", "2026-11", 1_900, 25)], default);

        await DemoLoader.LoadAsync(app.Services, default);

        Assert.Equal((1_900L, 25L), Bot.Tests.Usage.UsageTestKit.Rows<(long, long)>(app, "SELECT succeeded, failed FROM task_counts WHERE feature = 'meeting-summary' AND month = '2026-11'").Single());
        var row = (await app.AskAsync("roi")).Tables[0].Rows.Single(r => r[0] == "meeting-summary");
        Assert.Equal("1,900", row[1]);
    }

    [Fact]
    public async Task Demo_AfterAUserReportedTasksOneByOne_AddsNoCountForThatMonth()
    {
        using var app = new BotApplication();
        await app.Service<Bot.Usage.TaskStore>().SaveAsync(
            [new Bot.Usage.TaskReport("meeting-summary", "m-1", new DateTimeOffset(2026, 11, 3, 9, 0, 0, TimeSpan.Zero), true), new Bot.Usage.TaskReport("meeting-summary", "m-2", new DateTimeOffset(2026, 11, 4, 9, 0, 0, TimeSpan.Zero), true)],
            [],
            default);

        await DemoLoader.LoadAsync(app.Services, default);

        Assert.Equal(0L, Bot.Tests.Usage.UsageTestKit.Scalar<long>(app, "SELECT COUNT(*) FROM task_counts WHERE feature = 'meeting-summary' AND month = '2026-11'"));
        Assert.Equal("2", (await app.AskAsync("roi")).Tables[0].Rows.Single(r => r[0] == "meeting-summary")[1]);
    }

    [Fact]
    public async Task Demo_EarlierMonths_ShowATrend()
    {
        using var app = new BotApplication();
        await DemoLoader.LoadAsync(app.Services, default);

        var trend = (await app.AskAsync("roi invoice-extraction")).Tables[1];

        Assert.Equal(["2026-06", "6,000", "$0.025", "$3.33", "133x"], trend.Rows[0]);
        Assert.Equal(["2026-11", "5,000", "$0.05", "$3.33", "66.7x"], trend.Rows[5]);
    }

    [Fact]
    public async Task Demo_CostChange_IsATokenChangeNotAPriceChange()
    {
        using var app = new BotApplication();
        await DemoLoader.LoadAsync(app.Services, default);

        var models = (await app.AskAsync("roi invoice-extraction 2026-06")).Tables[2].Rows.Single();
        Assert.Equal(["gpt-4o", "30", "36,000,000", "0", "0", "6,000,000", "$150.00"], models);

        // gpt-4o at $2.50 in / $10.00 out per million tokens: 36M × 2.5 + 6M × 10 = $150, the month's cost.
        var priced = (await app.AskAsync("roi invoice-extraction 2026-11")).Body;
        Assert.Contains(priced, line => line.StartsWith("Price of gpt-4o: $2.50 in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Readme_SampleTable_IsWhatDemoThenAskRoiPrints()
    {
        using var app = new BotApplication();
        await DemoLoader.LoadAsync(app.Services, default);

        var printed = Bot.Chat.PlainTextRenderer.Render(await app.AskAsync("roi")).Trim();

        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(folder.FullName, "Bot.sln")))
        {
            folder = folder.Parent ?? throw new InvalidOperationException("Bot.sln not found above the test output.");
        }

        var readme = File.ReadAllText(Path.Combine(folder.FullName, "README.md"));
        var start = readme.IndexOf("```\nAI ROI by feature", StringComparison.Ordinal) + 4;
        var sample = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)].Trim();
        Assert.Equal(sample, printed);
    }
}
