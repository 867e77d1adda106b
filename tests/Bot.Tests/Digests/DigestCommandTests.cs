using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bot.Chat;
using Bot.Digests;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Digests;

/// <summary>The chat commands: subscribe, unsubscribe, subscriptions, digest preview; and the local channel's feed.</summary>
public sealed class DigestCommandTests
{
    [Fact]
    public async Task Subscribe_SaysWhenTheNextDigestComes_AndTwiceSaysAlready()
    {
        using var app = new BotApplication(DigestHosts.Settings(zone: "Europe/Berlin"));

        var first = await app.Services.AskAsync("roi subscribe quarterly");
        var second = await app.Services.AskAsync("roi subscribe QUARTERLY");

        Assert.Equal("Subscribed to the quarterly digest", first.Title);
        Assert.Equal("Next: 2027-01-01 09:00 Europe/Berlin, the digest for Q4 2026.", first.Body[0]);
        Assert.Equal("Already subscribed to the quarterly digest", second.Title);
    }

    [Theory]
    [InlineData("roi subscribe")]
    [InlineData("roi subscribe weekly")]
    [InlineData("roi subscribe monthly quarterly")]
    public async Task Subscribe_WrongForm_ShowsTheRightOneAndChangesNothing(string text)
    {
        using var app = new BotApplication(DigestHosts.Settings());

        var reply = await app.Services.AskAsync(text);

        Assert.True(reply.IsError);
        Assert.Contains("Forms: `roi subscribe monthly` or `roi subscribe quarterly`.", reply.Body);
        Assert.Equal("No digest subscriptions here", (await app.Services.AskAsync("roi subscriptions")).Title);
    }

    [Fact]
    public async Task Subscriptions_BelongToTheConversationTheyWereMadeIn()
    {
        using var app = new BotApplication(DigestHosts.Settings());
        await app.Services.AskAsync("roi subscribe monthly", conversation: "C1");
        await app.Services.AskAsync("roi subscribe quarterly", conversation: "C1");

        var here = await app.Services.AskAsync("roi subscriptions", conversation: "C1");
        var elsewhere = await app.Services.AskAsync("roi subscriptions", conversation: "C2");
        var otherPlatform = await app.Services.AskAsync("roi subscriptions", platform: "slack", conversation: "C1");

        var table = Assert.Single(here.Tables);
        Assert.Equal(["monthly", "2026-12-03 by alice", "2027-01-01 09:00 UTC (2026-12)", "none yet"], table.Rows[0]);
        Assert.Equal(["quarterly", "2026-12-03 by alice", "2027-01-01 09:00 UTC (2026-Q4)", "none yet"], table.Rows[1]);
        Assert.Equal("No digest subscriptions here", elsewhere.Title);
        Assert.Equal("No digest subscriptions here", otherPlatform.Title);
    }

    [Fact]
    public async Task Unsubscribe_WithoutKindStopsBoth_WithKindStopsOne()
    {
        using var app = new BotApplication(DigestHosts.Settings());
        await app.Services.AskAsync("roi subscribe monthly");
        await app.Services.AskAsync("roi subscribe quarterly");

        var one = await app.Services.AskAsync("roi unsubscribe quarterly");
        var rest = await app.Services.AskAsync("roi unsubscribe");
        var nothing = await app.Services.AskAsync("roi unsubscribe monthly");
        var wrong = await app.Services.AskAsync("roi unsubscribe yearly");

        Assert.Equal("Unsubscribed from the quarterly digest", one.Title);
        Assert.Equal("Unsubscribed from the monthly digest", rest.Title);
        Assert.Equal("Not subscribed to the monthly digest", nothing.Title);
        Assert.True(wrong.IsError);
        Assert.Contains("`roi unsubscribe monthly`", wrong.Body[0]);
    }

    [Fact]
    public async Task Resubscribing_StartsAfresh_PeriodsDueWhileAwayAreNotOwed()
    {
        var sender = new RecordingSender();
        using var app = new BotApplication(DigestHosts.Settings(), new DateTimeOffset(2026, 10, 20, 0, 0, 0, TimeSpan.Zero));
        var host = app.WithSender(sender);
        await host.Services.AskAsync("roi subscribe monthly");
        await host.Services.AskAsync("roi unsubscribe monthly");
        app.Time.SetUtcNow(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero));
        await host.Services.AskAsync("roi subscribe monthly");

        var run = await host.Services.GetRequiredService<DigestDeliverer>().RunAsync(app.Time.GetUtcNow(), CancellationToken.None);

        Assert.Equal(0, run.Claimed);
        Assert.Empty(sender.Posts);
    }

    [Theory]
    [InlineData("roi digest", "Monthly ROI digest — November 2026")]
    [InlineData("roi digest monthly 2026-10", "Monthly ROI digest — October 2026")]
    [InlineData("roi digest quarterly", "Quarterly ROI digest — Q3 2026")]
    [InlineData("roi digest 2026-Q2", "Quarterly ROI digest — Q2 2026")]
    [InlineData("roi digest this-month", "Monthly ROI digest — December 2026 (to date)")]
    public async Task Digest_PreviewsTheKindAndPeriodAsked(string text, string title)
    {
        using var app = new BotApplication(DigestHosts.Settings());

        var reply = await app.Services.AskAsync(text);

        Assert.False(reply.IsError);
        Assert.Equal(title, reply.Title);
    }

    [Theory]
    [InlineData("roi digest quarterly 2026-10", "A quarterly digest covers a quarter, like 2026-Q3; 2026-10 is a month.")]
    [InlineData("roi digest monthly 2026-Q3", "A monthly digest covers a month, like 2026-11; 2026-Q3 is a quarter.")]
    [InlineData("roi digest 2027-02", "February 2027 has not started yet.")]
    [InlineData("roi digest weekly", "'weekly' is not a period I know. Periods: `2026-11`, `2026-Q3`, `this-month`, `last-month`, `this-quarter` or `last-quarter`.")]
    public async Task Digest_WrongForm_SaysWhatIsWrong(string text, string problem)
    {
        using var app = new BotApplication(DigestHosts.Settings());

        var reply = await app.Services.AskAsync(text);

        Assert.True(reply.IsError);
        Assert.Equal(problem, reply.Title);
        Assert.Contains("`roi digest monthly [2026-11]`", reply.Body[0]);
    }

    [Fact]
    public async Task LocalChannel_DigestAppearsInThePostsFeedOnce()
    {
        using var app = new BotApplication(DigestHosts.Settings(), new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero));
        var client = app.CreateClient();
        await client.PostAsJsonAsync("/api/chat", new { text = "roi subscribe monthly" });
        var fire = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        app.Time.SetUtcNow(fire);
        await app.Service<DigestDeliverer>().RunAsync(fire, CancellationToken.None);
        await app.Service<DigestDeliverer>().RunAsync(fire, CancellationToken.None);

        var all = await client.GetFromJsonAsync<JsonElement>("/api/chat/posts?after=0");
        var post = Assert.Single(all.GetProperty("posts").EnumerateArray());
        var id = post.GetProperty("id").GetInt64();
        var newer = await client.GetFromJsonAsync<JsonElement>($"/api/chat/posts?after={id}");

        Assert.Equal("Monthly ROI digest — November 2026", post.GetProperty("reply").GetProperty("title").GetString());
        Assert.Equal("local", post.GetProperty("conversationId").GetString());
        Assert.Empty(newer.GetProperty("posts").EnumerateArray());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    public async Task LocalPostsFeed_BadAfter_Returns400(string after)
    {
        using var app = new BotApplication(DigestHosts.Settings());

        var response = await app.CreateClient().GetAsync($"/api/chat/posts?after={after}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task LocalPage_PollsThePostsFeedAndRendersThemAsDigests()
    {
        using var app = new BotApplication(DigestHosts.Settings());

        var html = await app.CreateClient().GetStringAsync("/");

        Assert.Contains("fetch('/api/chat/posts?after=' + lastPost)", html);
        Assert.Contains("renderReply(post.reply, 'digest')", html);
    }

    [Fact]
    public async Task Help_ListsTheDigestCommands()
    {
        using var app = new BotApplication(DigestHosts.Settings());

        var text = PlainTextRenderer.Render(await app.Services.AskAsync("roi help"));

        Assert.Contains("roi subscribe monthly", text);
        Assert.Contains("roi unsubscribe [monthly|quarterly]", text);
        Assert.Contains("roi digest [monthly|quarterly] [period]", text);
    }
}
