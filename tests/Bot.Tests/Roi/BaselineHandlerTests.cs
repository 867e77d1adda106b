using Bot.Roi;
using Bot.Tests.Chat;

namespace Bot.Tests.Roi;

public sealed class BaselineHandlerTests
{
    [Fact]
    public async Task Set_TimeAndRate_StoresHumanCostAndWho()
    {
        using var app = new BotApplication();

        var reply = await app.AskAsync("roi baseline Meeting-Summary 20m @ $50/h review 5m unit \"meeting summarized\"");

        Assert.False(reply.IsError, reply.Text());
        var baseline = Assert.Single((await app.Service<BaselineStore>().AllBaselinesAsync(default))["meeting-summary"]);
        Assert.Equal(20m, baseline.Minutes);
        Assert.Equal(50m, baseline.HourlyRate);
        Assert.Equal(5m, baseline.ReviewMinutes);
        Assert.Equal("meeting summarized", baseline.Unit);
        Assert.Equal("alice", baseline.SetBy);
        Assert.Equal(DateTimeOffset.UnixEpoch, baseline.EffectiveFrom);
        Assert.Contains("$16.67/task", reply.Text());
    }

    [Theory]
    [InlineData("roi   baseline  meeting-summary   20 min  @  $50 / h")]
    [InlineData("ROI BASELINE meeting-summary 20m@$50/h")]
    [InlineData("roi baseline meeting-summary 20 m @ 50/hr")]
    public async Task Set_TolerantOfSpacingAndCase(string text)
    {
        using var app = new BotApplication();
        var reply = await app.AskAsync(text);
        Assert.False(reply.IsError, reply.Text());
        Assert.Equal(100m / 6m, Assert.Single((await app.Service<BaselineStore>().AllBaselinesAsync(default))["meeting-summary"]).HumanCostPerTask);
    }

    [Fact]
    public async Task Set_FixedAmount()
    {
        using var app = new BotApplication();
        await app.AskAsync("roi baseline invoice-extraction $0.40/task");
        Assert.Equal(0.40m, Assert.Single((await app.Service<BaselineStore>().AllBaselinesAsync(default))["invoice-extraction"]).HumanCostPerTask);
    }

    [Theory]
    [InlineData("roi baseline meeting-summary -5m @ $50/h", "more than 0")]
    [InlineData("roi baseline meeting-summary 20m @ $5000000/h", "at most")]
    [InlineData("roi baseline meeting-summary 20m @ $0/h", "more than $0")]
    [InlineData("roi baseline meeting-summary twenty minutes", "could not read")]
    [InlineData("roi baseline meeting-summary 20m @ $50/h from 2026-02-30", "not a date")]
    [InlineData("roi baseline meeting-summary 20m @ $50/h review -1m", "Review time")]
    [InlineData("roi baseline meeting-summary 20m @ $50/h from 1900-01-01", "1900-01-01 is out of range: dates from 2000 to 2999 only.")]
    [InlineData("roi baseline bad/name 20m @ $50/h", "not a feature name")]
    [InlineData("roi baseline", "Which feature")]
    public async Task Set_BadInput_RefusedWithReasonAndRightForm(string text, string reason)
    {
        using var app = new BotApplication();

        var reply = await app.AskAsync(text);

        Assert.True(reply.IsError);
        Assert.Contains(reason, reply.Text());
        Assert.Contains("roi baseline <feature> <minutes>m @ $<rate>/h", reply.Text());
        Assert.Empty(await app.Service<BaselineStore>().AllBaselinesAsync(default));
    }

    [Fact]
    public async Task Set_Second_StartsNowAndKeepsHistory()
    {
        using var app = new BotApplication();
        await app.AskAsync("roi baseline meeting-summary 20m @ $50/h", "alice");
        app.Time.Advance(TimeSpan.FromDays(1));
        await app.AskAsync("roi baseline meeting-summary 15m @ $50/h", "bob");

        var history = (await app.Service<BaselineStore>().AllBaselinesAsync(default))["meeting-summary"].ToList();
        Assert.Equal(2, history.Count);
        Assert.Equal(BotApplication.DefaultNow.AddDays(1), history[1].EffectiveFrom);

        var shown = (await app.AskAsync("roi baseline meeting-summary")).Text();
        Assert.Contains("Now: 15 min @ $50.00/h = $12.50/task", shown);
        Assert.Contains("bob", shown);
        Assert.Contains("alice", shown);
    }

    [Fact]
    public async Task Set_WithFrom_StartsAtLocalMidnight()
    {
        using var app = new BotApplication(new Dictionary<string, string?> { ["Reporting:TimeZone"] = "Europe/Berlin" });
        await app.AskAsync("roi baseline x 2m @ $50/h");
        await app.AskAsync("roi baseline x 3m @ $50/h from 2026-07-01");

        var history = (await app.Service<BaselineStore>().AllBaselinesAsync(default))["x"].ToList();
        Assert.Equal(new DateTimeOffset(2026, 6, 30, 22, 0, 0, TimeSpan.Zero), history[1].EffectiveFrom);
    }

    [Fact]
    public async Task Set_NameCloseToAKnownFeature_RefusedUnlessNew()
    {
        using var app = new BotApplication();
        await app.AskAsync("roi baseline meeting-summary 20m @ $50/h");

        var typo = await app.AskAsync("roi baseline meeting-sumary 15m @ $50/h");
        Assert.True(typo.IsError);
        Assert.Contains("Did you mean `meeting-summary`?", typo.Text());
        Assert.Contains("roi baseline meeting-sumary new 15m @ $50/h", typo.Text());
        Assert.DoesNotContain("meeting-sumary", await app.Service<BaselineStore>().FeatureNamesAsync(default));

        var meant = await app.AskAsync("roi baseline meeting-sumary new 15m @ $50/h");
        Assert.False(meant.IsError, meant.Text());
        Assert.Contains("meeting-sumary", await app.Service<BaselineStore>().FeatureNamesAsync(default));
    }
}
