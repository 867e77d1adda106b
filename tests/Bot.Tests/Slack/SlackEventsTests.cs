using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bot.Slack;

namespace Bot.Tests.Slack;

/// <summary>Signed requests through the whole host; Slack's side of every outbound call is recorded by <see cref="FakeSlack"/>.</summary>
public sealed class SlackEventsTests
{
    [Fact]
    public async Task UrlVerification_Signed_EchoesChallenge()
    {
        using var app = new SlackTestApp();

        var response = await app.PostAsync("""{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}""", "application/json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", body.GetProperty("challenge").GetString());
    }

    [Fact]
    public async Task UrlVerification_Unsigned_Is401WithNoBody()
    {
        using var app = new SlackTestApp();

        var response = await app.PostAsync("""{"challenge":"c","type":"url_verification"}""", "application/json", secret: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SlashCommand_SignedWithWrongSecret_Is401AndNothingIsPosted()
    {
        using var app = new SlackTestApp();

        var response = await app.PostAsync(SlackTestApp.Form(new Dictionary<string, string> { ["team_id"] = SlackTestApp.AllowedTeam, ["command"] = "/roi", ["text"] = "help" }), "application/x-www-form-urlencoded", secret: "not-the-secret");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(app.Slack.Calls);
    }

    [Fact]
    public async Task SlashCommand_SignedSixMinutesAgo_Is401()
    {
        using var app = new SlackTestApp();

        var response = await app.PostAsync("command=%2Froi&text=help&team_id=" + SlackTestApp.AllowedTeam, "application/x-www-form-urlencoded", signedAt: app.Time.GetUtcNow().AddMinutes(-6));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task SslCheck_Unsigned_Is200AndDoesNothing()
    {
        using var app = new SlackTestApp();

        var response = await app.PostAsync("ssl_check=1&token=x", "application/x-www-form-urlencoded", secret: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(app.Slack.Calls);
    }

    [Fact]
    public async Task SlashCommand_Help_AcksAtOnceThenAnswersThroughResponseUrl()
    {
        using var app = new SlackTestApp();

        var response = await app.PostSlashCommandAsync("help");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
        var call = Assert.Single(await app.Slack.WaitForCallsAsync(1));
        Assert.Equal(SlackTestApp.ResponseUrl, call.Uri.ToString());
        Assert.Null(call.Authorization);
        Assert.Equal("in_channel", call.Json.GetProperty("response_type").GetString());
        Assert.Equal("ROI bot commands", call.Json.GetProperty("text").GetString());
        Assert.Equal("header", call.Json.GetProperty("blocks")[0].GetProperty("type").GetString());
        Assert.Contains("roi baseline &lt;feature&gt;", call.Body.Replace("\\u0026", "&", StringComparison.Ordinal).Replace("\\u003C", "<", StringComparison.Ordinal), StringComparison.Ordinal);

        // The response_url is itself a credential (five posts for 30 minutes): it must not reach the logs.
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("hooks.slack.com/commands", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SlashCommand_Baseline_IsSetBySlackUserAndAnsweredInChannel()
    {
        using var app = new SlackTestApp();

        await app.PostSlashCommandAsync("baseline meeting-summary 20m @ $50/h");

        var call = Assert.Single(await app.Slack.WaitForCallsAsync(1));
        Assert.Equal("in_channel", call.Json.GetProperty("response_type").GetString());
        Assert.Equal("Baseline set for meeting-summary", call.Json.GetProperty("text").GetString());
        Assert.Contains("Set by ada.", call.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlashCommand_WrongForm_AnswersOnlyTheAsker()
    {
        using var app = new SlackTestApp();

        await app.PostSlashCommandAsync("baseline");

        var call = Assert.Single(await app.Slack.WaitForCallsAsync(1));
        Assert.Equal("ephemeral", call.Json.GetProperty("response_type").GetString());
    }

    [Fact]
    public async Task SlashCommand_FromWorkspaceNotAllowed_Is403AndNothingIsPosted()
    {
        using var app = new SlackTestApp();

        var response = await app.PostSlashCommandAsync("help", team: "T0STRANGER");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("X-Slack-No-Retry").Single());
        await app.PostEventAsync(SlackTestApp.DirectMessage("help"), "Ev0SENTINEL");
        Assert.Equal("chat.postMessage", Assert.Single(await app.Slack.WaitForCallsAsync(1)).ApiMethod);
    }

    [Fact]
    public async Task Event_FromWorkspaceNotAllowed_Is403()
    {
        using var app = new SlackTestApp();

        var response = await app.PostEventAsync(SlackTestApp.Mention("help"), "Ev1", team: "T0STRANGER");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData(SlackTestApp.AllowedTeam, HttpStatusCode.OK)]
    [InlineData("T0STRANGER", HttpStatusCode.Forbidden)]
    public async Task Interactivity_IsAckedForAllowedWorkspacesOnly(string team, HttpStatusCode expected)
    {
        using var app = new SlackTestApp();
        var payload = $$"""{"type":"block_actions","team":{"id":"{{team}}"},"user":{"id":"U0ASKER"},"actions":[]}""";

        var response = await app.PostAsync("payload=" + Uri.EscapeDataString(payload), "application/x-www-form-urlencoded");

        Assert.Equal(expected, response.StatusCode);
        Assert.Empty(app.Slack.Calls);
    }

    [Fact]
    public async Task SocketModeWithoutSigningSecret_HttpEndpointFailsClosed()
    {
        using var app = new SlackTestApp(new Dictionary<string, string?> { ["Slack:SocketMode"] = "true", ["Slack:AppToken"] = "xapp-test", ["Slack:SigningSecret"] = string.Empty });

        var response = await app.PostAsync("""{"challenge":"c","type":"url_verification"}""", "application/json", secret: string.Empty);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AppMention_PostsTheAnswerInItsThreadWithTheBotToken()
    {
        using var app = new SlackTestApp();

        var response = await app.PostEventAsync(SlackTestApp.Mention("roi help", ts: "1764756000.000100"), "Ev1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = Assert.Single(await app.Slack.WaitForCallsAsync(1));
        Assert.Equal("https://slack.com/api/chat.postMessage", call.Uri.ToString());
        Assert.Equal("Bearer " + SlackTestApp.BotToken, call.Authorization);
        Assert.Equal("C0CHANNEL", call.Json.GetProperty("channel").GetString());
        Assert.Equal("1764756000.000100", call.Json.GetProperty("thread_ts").GetString());
        Assert.Equal("ROI bot commands", call.Json.GetProperty("text").GetString());
    }

    [Fact]
    public async Task DirectMessage_IsAnsweredInTheConversationNotAThread()
    {
        using var app = new SlackTestApp();

        await app.PostEventAsync(SlackTestApp.DirectMessage("help"), "Ev2");

        var call = Assert.Single(await app.Slack.WaitForCallsAsync(1));
        Assert.Equal("D0DIRECT", call.Json.GetProperty("channel").GetString());
        Assert.False(call.Json.TryGetProperty("thread_ts", out _));
    }

    [Theory]
    [InlineData(""","bot_id":"B0BOT" """)]
    [InlineData(""","subtype":"bot_message" """)]
    [InlineData(""","subtype":"message_changed" """)]
    public async Task BotsAndEdits_AreIgnored(string extra)
    {
        using var app = new SlackTestApp();

        var ignored = await app.PostEventAsync(SlackTestApp.DirectMessage("help", ts: "1.1", extra: extra.Trim()), "Ev0BOT");
        await app.PostEventAsync(SlackTestApp.DirectMessage("features", ts: "1.2"), "Ev0HUMAN");

        Assert.Equal(HttpStatusCode.OK, ignored.StatusCode);
        var call = Assert.Single(await app.Slack.WaitForCallsAsync(1));
        Assert.NotEqual("ROI bot commands", call.Json.GetProperty("text").GetString());
    }

    /// <summary>Slack retries after 3 s even while the first delivery is still being answered.</summary>
    [Fact]
    public async Task Retry_WhileFirstDeliveryIsStillBeingAnswered_IsNotAnsweredTwice()
    {
        using var app = new SlackTestApp();
        app.Slack.HoldAnswers();

        await app.PostEventAsync(SlackTestApp.Mention("help", ts: "1.1"), "Ev0SLOW");
        await app.Slack.WaitForCallsAsync(1);
        var retry = await app.PostEventAsync(SlackTestApp.Mention("help", ts: "1.1"), "Ev0SLOW", retryNum: 1);
        await app.PostEventAsync(SlackTestApp.Mention("features", ts: "1.2"), "Ev0NEXT");
        await app.Slack.WaitForCallsAsync(2);
        await Task.Delay(200); // a duplicate would reach the fake within this time: three consumers are idle
        app.Slack.ReleaseAnswers();

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(["1.1", "1.2"], app.Slack.Calls.Select(c => c.Json.GetProperty("thread_ts").GetString()).Order());
    }

    [Fact]
    public async Task Retry_OfAFirstDeliveryThatNeverArrived_IsAnsweredOnce()
    {
        using var app = new SlackTestApp();

        await app.PostEventAsync(SlackTestApp.Mention("help", ts: "2.1"), "Ev0LOST", retryNum: 1);
        await app.Slack.WaitForCallsAsync(1);
        await app.PostEventAsync(SlackTestApp.Mention("help", ts: "2.1"), "Ev0LOST", retryNum: 2);
        await app.PostEventAsync(SlackTestApp.Mention("features", ts: "2.2"), "Ev0AFTER");
        await app.Slack.WaitForCallsAsync(2);
        await Task.Delay(200);

        Assert.Equal(["2.1", "2.2"], app.Slack.Calls.Select(c => c.Json.GetProperty("thread_ts").GetString()).Order());
    }

    [Fact]
    public async Task SameMessage_UnderAnotherEventId_IsAnsweredOnce()
    {
        using var app = new SlackTestApp();

        await app.PostEventAsync(SlackTestApp.Mention("help", ts: "3.1"), "Ev0FIRST");
        await app.PostEventAsync(SlackTestApp.Mention("help", ts: "3.1"), "Ev0SECOND");
        await app.PostEventAsync(SlackTestApp.Mention("features", ts: "3.2"), "Ev0THIRD");
        await app.Slack.WaitForCallsAsync(2);
        await Task.Delay(200);

        Assert.Equal(2, app.Slack.Calls.Count);
    }

    /// <summary>The retry waits on the injected clock, so the fake clock is stepped until the retry arrives.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public async Task PostMessage_RateLimited_WaitsRetryAfterThenSucceeds(int retryAfterSeconds)
    {
        using var app = new SlackTestApp();
        app.Slack.Then("chat.postMessage", () =>
        {
            var limited = FakeSlack.Json("""{"ok":false,"error":"ratelimited"}""", HttpStatusCode.TooManyRequests);
            limited.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(retryAfterSeconds));
            return limited;
        });

        await app.PostEventAsync(SlackTestApp.Mention("help"), "Ev0LIMITED");
        await app.Slack.WaitForCallsAsync(1);
        var waited = TimeSpan.Zero;
        while (app.Slack.Calls.Count < 2 && waited < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
            app.Time.Advance(TimeSpan.FromMilliseconds(100));
            waited += TimeSpan.FromMilliseconds(100);
        }

        var calls = await app.Slack.WaitForCallsAsync(2);
        Assert.True(waited >= TimeSpan.FromSeconds(retryAfterSeconds), $"retried after {waited}, before Retry-After {retryAfterSeconds}s");
        Assert.Equal(["chat.postMessage", "chat.postMessage"], calls.Select(c => c.ApiMethod));
        Assert.Equal(calls[0].Body, calls[1].Body);
    }

    [Fact]
    public async Task ApiClient_OkFalse_ThrowsWithSlacksErrorCode()
    {
        using var app = new SlackTestApp();
        app.Slack.Then("chat.postMessage", () => FakeSlack.Json("""{"ok":false,"error":"channel_not_found"}"""));

        var error = await Assert.ThrowsAsync<SlackApiException>(() =>
            app.Service<SlackApiClient>().PostMessageAsync("C0GONE", SlackRenderer.Render(new Bot.Chat.Reply("x"))[0], null, null, CancellationToken.None));

        Assert.Equal("channel_not_found", error.Error);
        Assert.DoesNotContain(SlackTestApp.BotToken, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedPost_LogsSlacksErrorCode_NeverTheTokenOrSecret()
    {
        using var app = new SlackTestApp();
        app.Slack.Then("chat.postMessage", () => FakeSlack.Json("""{"ok":false,"error":"not_in_channel"}"""));

        await app.PostEventAsync(SlackTestApp.Mention("help"), "Ev0NOTIN");
        await app.Slack.WaitForCallsAsync(1);
        for (var i = 0; i < 100 && !app.Logs.Lines.Any(l => l.Contains("Could not answer", StringComparison.Ordinal)); i++)
        {
            await Task.Delay(50);
        }

        var lines = app.Logs.Lines;
        Assert.Contains(lines, l => l.Contains("chat.postMessage answered ok=false: not_in_channel", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Could not answer a Slack request in C0CHANNEL", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(SlackTestApp.BotToken, StringComparison.Ordinal) || l.Contains(SlackTestApp.SigningSecret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sender_PostsToTheChannelWithTheIdempotencyKeyAsMetadata()
    {
        using var app = new SlackTestApp();
        var sender = app.Service<IEnumerable<Bot.Chat.IChatSender>>().Single(s => s.Platform == "slack");

        await sender.SendAsync("C0DIGEST", new Bot.Chat.Reply("Monthly ROI"), "digest-7-2026-11", CancellationToken.None);

        var call = Assert.Single(app.Slack.Calls);
        Assert.Equal("C0DIGEST", call.Json.GetProperty("channel").GetString());
        Assert.Equal("digest-7-2026-11", call.Json.GetProperty("metadata").GetProperty("event_payload").GetProperty("idempotency_key").GetString());
    }

    [Fact]
    public async Task Chart_IsUploadedWithTheExternalUploadFlow()
    {
        using var app = new SlackTestApp();
        var reply = new Bot.Chat.Reply("Trend") { Charts = [new Bot.Chat.ReplyChart([1, 2, 3, 4], "Cost per task by month", "trend.png")] };

        await app.Service<IEnumerable<Bot.Chat.IChatSender>>().Single(s => s.Platform == "slack").SendAsync("C0DIGEST", reply, "k", CancellationToken.None);

        var calls = app.Slack.Calls;
        Assert.Equal(["chat.postMessage", "files.getUploadURLExternal", "abc", "files.completeUploadExternal"], calls.Select(c => c.ApiMethod));
        Assert.Contains("length=4", calls[1].Body, StringComparison.Ordinal);
        Assert.Equal("https://files.slack.com/upload/v1/abc", calls[2].Uri.ToString());
        Assert.Equal("F123", calls[3].Json.GetProperty("files")[0].GetProperty("id").GetString());
        Assert.Equal("C0DIGEST", calls[3].Json.GetProperty("channel_id").GetString());
    }
}
