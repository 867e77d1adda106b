using System.Net;
using System.Text.Json.Nodes;
using Bot.Chat;
using Bot.Data;
using Bot.Teams;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Teams;

public sealed class TeamsConversationTests
{
    private const string ChannelConversation = "19:aebd0ad4d6ab42c8b9ed19c251c2fc37@thread.skype;messageid=";

    [Fact]
    public async Task Message_WithMention_RepliesToThatActivityWithCardAndBotToken()
    {
        using var host = new TeamsHost();
        var response = await host.PostActivityAsync(TeamsHost.Message("1481567603816", "<at>ROI</at> roi help"), host.Fake.CreateToken());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var post = Assert.Single(await host.Fake.WaitForPostsAsync(1));
        Assert.Equal(
            "/amer/v3/conversations/" + Uri.EscapeDataString(ChannelConversation + "1481567603816") + "/activities/1481567603816",
            post.Uri.AbsolutePath);
        Assert.Equal("Bearer " + FakeBotFramework.BotAccessToken + "-1", post.Authorization);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(post.Body), post.ContentLength);
        var body = post.Json;
        Assert.Equal("1481567603816", body["replyToId"]!.GetValue<string>());
        Assert.Equal("29:user-1", body["recipient"]!["id"]!.GetValue<string>());
        var attachment = body["attachments"]![0]!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment["contentType"]!.GetValue<string>());
        Assert.Equal("ROI bot commands", attachment["content"]!["body"]![0]!["inlines"]![0]!["text"]!.GetValue<string>());
        Assert.Contains("roi baseline", attachment["content"]!["fallbackText"]!.GetValue<string>());
    }

    [Fact]
    public async Task SigningKeyAddedAfterStart_UnknownKidRefreshesKeys_Accepted()
    {
        using var host = new TeamsHost();
        Assert.Equal(HttpStatusCode.OK, (await host.PostActivityAsync(TeamsHost.Message("before-rotation", "roi help"), host.Fake.CreateToken())).StatusCode);

        var rotated = host.Fake.RotateKey();
        host.Time.Advance(TimeSpan.FromMinutes(5));
        var response = await host.PostActivityAsync(TeamsHost.Message("after-rotation", "roi help"), host.Fake.CreateToken(key: rotated, now: host.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, JwksFetches(host));
    }

    [Fact]
    public async Task UnknownKeyIds_WithinFiveMinutesOfAFetch_RefusedWithoutFetchingAgain()
    {
        using var host = new TeamsHost();
        await host.PostActivityAsync(TeamsHost.Message("first", "roi help"), host.Fake.CreateToken());
        var forged = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "made-up" };

        host.Time.Advance(TimeSpan.FromMinutes(4));
        var first = await host.PostActivityAsync(TeamsHost.Message("forged-1", "roi help"), host.Fake.CreateToken(key: forged, now: host.Time.GetUtcNow()));
        var second = await host.PostActivityAsync(TeamsHost.Message("forged-2", "roi help"), host.Fake.CreateToken(key: forged, now: host.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal(1, JwksFetches(host));
    }

    [Fact]
    public async Task SigningKeys_OlderThan24Hours_FetchedAgain()
    {
        using var host = new TeamsHost();
        await host.PostActivityAsync(TeamsHost.Message("day-1", "roi help"), host.Fake.CreateToken());
        host.Time.Advance(TimeSpan.FromHours(23));
        await host.PostActivityAsync(TeamsHost.Message("day-1-later", "roi help"), host.Fake.CreateToken(now: host.Time.GetUtcNow()));
        Assert.Equal(1, JwksFetches(host));

        host.Time.Advance(TimeSpan.FromHours(1));
        var response = await host.PostActivityAsync(TeamsHost.Message("day-2", "roi help"), host.Fake.CreateToken(now: host.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, JwksFetches(host));
    }

    private static int JwksFetches(TeamsHost host) => host.Fake.Requests.Count(r => r.Uri.AbsoluteUri == FakeBotFramework.JwksUrl);

    [Fact]
    public async Task Message_RedeliveredWithSameId_AnsweredOnce()
    {
        using var host = new TeamsHost();
        var first = await host.PostActivityAsync(TeamsHost.Message("redelivered", "roi help"), host.Fake.CreateToken());
        var again = await host.PostActivityAsync(TeamsHost.Message("redelivered", "roi help"), host.Fake.CreateToken());

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await host.Fake.WaitForPostsAsync(1);
        Assert.Single(await host.Fake.WaitForPostsAsync(2, TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task BotAdded_StoresConversationAndSaysHelloWithHelp()
    {
        using var host = new TeamsHost();
        var response = await host.PostActivityAsync(TeamsHost.BotAdded("install-1"), host.Fake.CreateToken());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var post = Assert.Single(await host.Fake.WaitForPostsAsync(1));
        Assert.Equal("/amer/v3/conversations/" + Uri.EscapeDataString("19:general@thread.tacv2") + "/activities", post.Uri.AbsolutePath);
        var card = post.Json["attachments"]![0]!["content"]!;
        Assert.Equal("Hello! I'm the ROI bot", card["body"]![0]!["inlines"]![0]!["text"]!.GetValue<string>());
        Assert.Contains("roi help", card.ToJsonString());

        var stored = await host.Service<TeamsStore>().FindConversationAsync("19:general@thread.tacv2", CancellationToken.None);
        Assert.Equal(new TeamsConversation(
            "19:general@thread.tacv2", "https://smba.trafficmanager.test/amer", FakeBotFramework.TenantId, "channel",
            "19:team-1@thread.tacv2", "19:general@thread.tacv2", "28:" + FakeBotFramework.AppId, "ROI"), stored);
    }

    [Fact]
    public async Task BotRemoved_ConversationForgotten_DigestThenSaysToAddTheBot()
    {
        using var host = new TeamsHost();
        await host.PostActivityAsync(TeamsHost.BotAdded("install-4"), host.Fake.CreateToken());
        await host.Fake.WaitForPostsAsync(1);

        var removed = TeamsHost.BotAdded("uninstall-4");
        removed.Remove("membersAdded");
        removed["membersRemoved"] = new JsonArray { new JsonObject { ["id"] = "28:" + FakeBotFramework.AppId } };
        Assert.Equal(HttpStatusCode.OK, (await host.PostActivityAsync(removed, host.Fake.CreateToken())).StatusCode);

        var store = host.Service<TeamsStore>();
        var deadline = Environment.TickCount64 + 10_000;
        while (await store.FindConversationAsync("19:general@thread.tacv2", CancellationToken.None) is not null && Environment.TickCount64 < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Null(await store.FindConversationAsync("19:general@thread.tacv2", CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            TeamsSender(host).SendAsync("19:general@thread.tacv2", new Reply("Digest"), "digest:after-removal", CancellationToken.None));
        Assert.Single(host.Fake.ConnectorPosts);
    }

    [Fact]
    public async Task OtherMemberAdded_NothingPostedOrStored()
    {
        using var host = new TeamsHost();
        var activity = TeamsHost.BotAdded("member-joined", "19:other@thread.tacv2");
        activity["membersAdded"] = new JsonArray { new JsonObject { ["id"] = "29:new-colleague" } };
        var response = await host.PostActivityAsync(activity, host.Fake.CreateToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await host.Fake.WaitForPostsAsync(1, TimeSpan.FromMilliseconds(500)));
        Assert.Null(await host.Service<TeamsStore>().FindConversationAsync("19:other@thread.tacv2", CancellationToken.None));
    }

    [Fact]
    public async Task ProactivePost_ToStoredConversation_PostedOncePerIdempotencyKey()
    {
        using var host = new TeamsHost();
        await host.PostActivityAsync(TeamsHost.BotAdded("install-2"), host.Fake.CreateToken());
        await host.Fake.WaitForPostsAsync(1);
        var sender = TeamsSender(host);

        await sender.SendAsync("19:general@thread.tacv2", new Reply("Monthly ROI digest"), "digest:2026-11", CancellationToken.None);
        await sender.SendAsync("19:general@thread.tacv2", new Reply("Monthly ROI digest"), "digest:2026-11", CancellationToken.None);

        var posts = host.Fake.ConnectorPosts;
        Assert.Equal(2, posts.Count);
        Assert.Equal("Monthly ROI digest", posts[1].Json["summary"]!.GetValue<string>());
        Assert.Equal("28:" + FakeBotFramework.AppId, posts[1].Json["from"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ProactivePost_429ThenSuccess_WaitsForRetryAfterThenPostsOnce()
    {
        using var host = new TeamsHost();
        await host.PostActivityAsync(TeamsHost.BotAdded("install-3"), host.Fake.CreateToken());
        await host.Fake.WaitForPostsAsync(1);
        host.Fake.EnqueueConnectorResponse(() =>
        {
            var throttled = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            throttled.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(20));
            return throttled;
        });

        var sending = TeamsSender(host).SendAsync("19:general@thread.tacv2", new Reply("Digest"), "digest:throttled", CancellationToken.None);
        await host.Fake.WaitForPostsAsync(2);
        await Task.Delay(200);
        Assert.False(sending.IsCompleted);
        Assert.Equal(2, host.Fake.ConnectorPosts.Count);

        host.Time.Advance(TimeSpan.FromSeconds(19));
        await Task.Delay(200);
        Assert.Equal(2, host.Fake.ConnectorPosts.Count);

        host.Time.Advance(TimeSpan.FromSeconds(1));
        await sending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, host.Fake.ConnectorPosts.Count);
    }

    [Fact]
    public async Task ProactivePost_ServiceUrlNeverValidated_RefusedWithoutSendingAnything()
    {
        using var host = new TeamsHost();
        await host.Service<TeamsStore>().SaveConversationAsync(
            new TeamsConversation("a:forged", "https://evil.example/amer/", FakeBotFramework.TenantId, "personal", null, null, "28:bot", null),
            CancellationToken.None);

        await Assert.ThrowsAsync<UntrustedServiceUrlException>(() =>
            TeamsSender(host).SendAsync("a:forged", new Reply("Digest"), "digest:forged", CancellationToken.None));

        Assert.DoesNotContain(host.Fake.Requests, r => r.Uri.Host == "evil.example" || r.Uri.AbsolutePath.EndsWith("/token", StringComparison.Ordinal));
        await using var connection = await host.Service<Database>().OpenAsync(CancellationToken.None);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM teams_sent_posts"));
    }

    [Fact]
    public async Task ProactivePost_UnknownConversation_SaysToAddTheBot()
    {
        using var host = new TeamsHost();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            TeamsSender(host).SendAsync("19:never@thread.tacv2", new Reply("Digest"), "digest:x", CancellationToken.None));
        Assert.Contains("add the bot", error.Message);
    }

    [Fact]
    public async Task BotToken_CachedUntilFiveMinutesBeforeExpiry_ThenRenewedFromTenantEndpoint()
    {
        using var host = new TeamsHost();
        var tokens = host.Service<BotTokenProvider>();

        Assert.Equal(FakeBotFramework.BotAccessToken + "-1", await tokens.GetTokenAsync(CancellationToken.None));
        host.Time.Advance(TimeSpan.FromMinutes(54));
        Assert.Equal(FakeBotFramework.BotAccessToken + "-1", await tokens.GetTokenAsync(CancellationToken.None));
        host.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(FakeBotFramework.BotAccessToken + "-2", await tokens.GetTokenAsync(CancellationToken.None));

        var request = host.Fake.TokenRequests[0];
        Assert.Equal($"{FakeBotFramework.TokenAuthority}/{FakeBotFramework.TenantId}/oauth2/v2.0/token", request.Uri.AbsoluteUri);
        Assert.Contains("grant_type=client_credentials", request.Body);
        Assert.Contains("scope=https%3A%2F%2Fapi.botframework.com%2F.default", request.Body);
        Assert.Contains($"client_id={FakeBotFramework.AppId}", request.Body);
    }

    [Fact]
    public async Task BotToken_MultiTenant_FromBotframeworkComAuthority()
    {
        using var host = new TeamsHost(new Dictionary<string, string?> { ["Teams:MultiTenant"] = "true" });
        await host.Service<BotTokenProvider>().GetTokenAsync(CancellationToken.None);
        Assert.Equal($"{FakeBotFramework.TokenAuthority}/botframework.com/oauth2/v2.0/token", host.Fake.TokenRequests[0].Uri.AbsoluteUri);
    }

    private static IChatSender TeamsSender(TeamsHost host) =>
        host.Factory.Services.GetServices<IChatSender>().Single(s => s.Platform == "teams");
}
