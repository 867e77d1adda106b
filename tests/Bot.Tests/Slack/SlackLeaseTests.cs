using Bot.Data;
using Bot.Slack;
using Dapper;

namespace Bot.Tests.Slack;

/// <summary>
/// Delivery claims are leases: a claim left by an instance that stopped is taken over by a retry once the lease
/// ends, while a claim being worked on or answered keeps every retry away. Two hosts on one SQLite file play two
/// instances of the bot.
/// </summary>
public sealed class SlackLeaseTests
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Retry_AfterTheClaimingInstanceDied_AnsweredOnceItsLeaseEnds()
    {
        using var survivor = new SlackTestApp();
        using (var died = new SlackTestApp(new Dictionary<string, string?> { ["Storage:Path"] = survivor.DatabasePath }))
        {
            // What SlackInbound claims for this event; the instance then died before answering (or acking).
            var claim = await died.Service<SlackDeliveryLedger>().TryClaimAsync(
                [SlackDeliveryLedger.EventKey("Ev0DIED"), SlackDeliveryLedger.MessageKey("C0CHANNEL", "5.1")], CancellationToken.None);
            Assert.NotNull(claim);
        }

        // Slack's retries: at once, after about a minute, after about five minutes.
        await survivor.PostEventAsync(SlackTestApp.Mention("help", ts: "5.1"), "Ev0DIED", retryNum: 1);
        survivor.Time.Advance(TimeSpan.FromMinutes(1));
        await survivor.PostEventAsync(SlackTestApp.Mention("help", ts: "5.1"), "Ev0DIED", retryNum: 2);
        await Task.Delay(Pause);
        Assert.Empty(survivor.Slack.Calls);

        survivor.Time.Advance(TimeSpan.FromMinutes(4));
        await survivor.PostEventAsync(SlackTestApp.Mention("help", ts: "5.1"), "Ev0DIED", retryNum: 3);
        var answer = Assert.Single(await survivor.Slack.WaitForCallsAsync(1));
        Assert.Equal("5.1", answer.Json.GetProperty("thread_ts").GetString());

        await WaitForStateAsync(survivor, "event:Ev0DIED", "done");
        survivor.Time.Advance(TimeSpan.FromMinutes(10));
        await survivor.PostEventAsync(SlackTestApp.Mention("help", ts: "5.1"), "Ev0DIED", retryNum: 3);
        await Task.Delay(Pause);
        Assert.Single(survivor.Slack.Calls);
    }

    [Fact]
    public async Task Retry_AtOneMinuteWhileTheFirstIsStillPosting_AnsweredOnce_LaterRetriesToo()
    {
        using var app = new SlackTestApp();
        app.Slack.HoldAnswers();

        await app.PostEventAsync(SlackTestApp.Mention("help", ts: "7.1"), "Ev0SLOWER");
        await app.Slack.WaitForCallsAsync(1);
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await app.PostEventAsync(SlackTestApp.Mention("help", ts: "7.1"), "Ev0SLOWER", retryNum: 2);
        await Task.Delay(Pause);
        Assert.Single(app.Slack.Calls);

        app.Slack.ReleaseAnswers();
        await WaitForStateAsync(app, "event:Ev0SLOWER", "done");
        app.Time.Advance(TimeSpan.FromMinutes(4));
        await app.PostEventAsync(SlackTestApp.Mention("help", ts: "7.1"), "Ev0SLOWER", retryNum: 3);
        await Task.Delay(Pause);

        Assert.Equal(["chat.postMessage"], app.Slack.Calls.Select(c => c.ApiMethod));
    }

    [Fact]
    public async Task Post_Failed_RetryIsAnsweredOnce()
    {
        using var app = new SlackTestApp();
        app.Slack.Then("chat.postMessage", () => FakeSlack.Json("""{"ok":false,"error":"internal_error"}"""));

        await app.PostEventAsync(SlackTestApp.Mention("help", ts: "8.1"), "Ev0FAILS");
        await app.Slack.WaitForCallsAsync(1);
        await WaitForStateAsync(app, "event:Ev0FAILS", null);
        await app.PostEventAsync(SlackTestApp.Mention("help", ts: "8.1"), "Ev0FAILS", retryNum: 1);
        var calls = await app.Slack.WaitForCallsAsync(2);
        await WaitForStateAsync(app, "event:Ev0FAILS", "done");
        await app.PostEventAsync(SlackTestApp.Mention("help", ts: "8.1"), "Ev0FAILS", retryNum: 2);
        await Task.Delay(Pause);

        Assert.Equal(2, app.Slack.Calls.Count);
        Assert.Equal("8.1", calls[1].Json.GetProperty("thread_ts").GetString());
    }

    /// <summary>The text reached the thread and only the chart upload failed: a retry would post the text twice.</summary>
    [Fact]
    public async Task ChartUpload_FailedAfterTheTextWasPosted_MarkedDone_RetryNotAnswered()
    {
        using var app = new SlackTestApp();
        await Bot.Tests.Charts.ChartSeed.MeetingSummaryAsync(app.Factory.Services, CancellationToken.None);
        app.Slack.Then("files.getUploadURLExternal", () => FakeSlack.Json("""{"ok":false,"error":"internal_error"}"""));

        await app.PostEventAsync(SlackTestApp.Mention("roi chart meeting-summary", ts: "10.1"), "Ev0HALF");
        await app.Slack.WaitForCallsAsync(2);
        await WaitForStateAsync(app, "event:Ev0HALF", "done");
        await app.PostEventAsync(SlackTestApp.Mention("roi chart meeting-summary", ts: "10.1"), "Ev0HALF", retryNum: 1);
        await Task.Delay(Pause);

        Assert.Equal(["chat.postMessage", "files.getUploadURLExternal"], app.Slack.Calls.Select(c => c.ApiMethod));
    }

    /// <summary>Four consumers hold one answer each; two more wait in the queue. Nothing waits for the lease to end.</summary>
    [Fact]
    public async Task Stop_WithAnswersInFlightAndQueued_ReleasesTheirClaims_RetriesAnsweredAtOnceByAnotherInstance()
    {
        using var other = new SlackTestApp();
        var stopping = new SlackTestApp(new Dictionary<string, string?> { ["Storage:Path"] = other.DatabasePath });
        stopping.Slack.HoldAnswers();
        var timestamps = Enumerable.Range(1, 6).Select(i => $"9.{i}").ToList();
        foreach (var ts in timestamps)
        {
            var ack = await stopping.PostEventAsync(SlackTestApp.Mention("help", ts: ts), "Ev0STOP" + ts);
            Assert.Equal(System.Net.HttpStatusCode.OK, ack.StatusCode);
        }

        var held = await stopping.Slack.WaitForCallsAsync(4);
        Assert.True(held.Count == 4, string.Join(", ", held.Select(c => c.ApiMethod + " " + c.Body)));
        stopping.Dispose();

        foreach (var ts in timestamps)
        {
            await other.PostEventAsync(SlackTestApp.Mention("help", ts: ts), "Ev0STOP" + ts, retryNum: 1);
        }

        var answers = await other.Slack.WaitForCallsAsync(6);
        Assert.Equal(timestamps, answers.Select(c => c.Json.GetProperty("thread_ts").GetString()).Order());
        Assert.True(
            stopping.Logs.Lines.Any(l => l.Contains("Stopped with 2 Slack request(s) not yet answered", StringComparison.Ordinal)),
            string.Join("\n", stopping.Logs.Lines.Select(l => l.Split(Environment.NewLine)[0])));
    }

    [Fact]
    public async Task Queue_Closed_RefusesNewWorkAndHandsBackWhatWaited()
    {
        var queue = new SlackWorkQueue();
        var context = new Bot.Chat.CommandContext(new Bot.Chat.ChatAddress("slack", "C1"), "U1", "ada");
        var waiting = new SlackWork(context, "help", new SlackReplyTarget("C1", null, null));
        Assert.True(await queue.TryEnqueueAsync(waiting, CancellationToken.None));

        Assert.Equal([waiting], queue.CloseAndDrain());
        Assert.False(await queue.TryEnqueueAsync(waiting with { Text = "late" }, CancellationToken.None));
    }

    private const string StateSql = "SELECT state FROM slack_deliveries WHERE delivery_key = @Key";

    /// <summary>Waits (real time: the worker runs in the background) until the key is in <paramref name="state"/>; null = no row.</summary>
    private static async Task WaitForStateAsync(SlackTestApp app, string key, string? state)
    {
        var database = app.Service<Database>();
        string? current = null;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            await using var connection = await database.OpenAsync(CancellationToken.None);
            current = await connection.QuerySingleOrDefaultAsync<string?>(StateSql, new { Key = key });
            if (current == state)
            {
                return;
            }

            await Task.Delay(25);
        }

        Assert.Fail($"{key} stayed '{current ?? "absent"}', expected '{state ?? "absent"}'");
    }
}
