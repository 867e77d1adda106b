using System.Net;
using System.Security.Cryptography;
using System.Text;
using Bot.Data;
using Dapper;
using Microsoft.IdentityModel.Tokens;

namespace Bot.Tests.Teams;

/// <summary>One host for every token case: a refused request changes nothing, so the cases cannot disturb each other.</summary>
public sealed class TeamsHostFixture : IDisposable
{
    internal TeamsHost Host { get; } = new();

    public void Dispose() => Host.Dispose();
}

public sealed class TeamsAuthenticationTests(TeamsHostFixture fixture) : IClassFixture<TeamsHostFixture>
{
    private TeamsHost Host => fixture.Host;

    private FakeBotFramework Fake => fixture.Host.Fake;

    [Fact]
    public async Task ValidToken_Accepted_ActivityTakenAndAnswered()
    {
        var response = await Host.PostActivityAsync(TeamsHost.Message("valid-1", "<at>ROI</at> roi help"), Fake.CreateToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await IsTakenAsync("valid-1"));
        var posts = await Fake.WaitForPostsAsync(1);
        Assert.Contains(posts, p => p.Uri.AbsolutePath.EndsWith("/activities/valid-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExpiredWithinSkew_Accepted()
    {
        var token = Fake.CreateToken(expiresIn: TimeSpan.FromMinutes(-4));
        var response = await Host.PostActivityAsync(TeamsHost.Message("skew-1", "roi help"), token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public Task ExpiredBeyondSkew_Refused() => AssertRefusedAsync("expired", Fake.CreateToken(expiresIn: TimeSpan.FromMinutes(-6)));

    [Fact]
    public Task NotYetValidBeyondSkew_Refused() =>
        AssertRefusedAsync("future", Fake.CreateToken(now: BotApplication.DefaultNow.AddMinutes(10)));

    [Fact]
    public Task WrongAudience_Refused() => AssertRefusedAsync("audience", Fake.CreateToken(audience: "0b1d2c3e-0000-4000-8000-000000000001"));

    [Fact]
    public Task WrongIssuer_Refused() => AssertRefusedAsync("issuer", Fake.CreateToken(issuer: "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/"));

    [Fact]
    public Task KeyNotEndorsedForTeams_Refused() => AssertRefusedAsync("endorsement", Fake.CreateToken(key: Fake.WebChatKey), "MissingEndorsement");

    [Fact]
    public Task SignedByWebChatKeyButNamingTeamsKey_Refused() =>
        AssertRefusedAsync("kid-swap", Fake.CreateToken(key: new RsaSecurityKey(Fake.WebChatKey.Rsa) { KeyId = FakeBotFramework.TeamsKeyId }));

    [Fact]
    public Task ServiceUrlClaimMismatch_Refused() => AssertRefusedAsync("serviceurl", Fake.CreateToken(serviceUrl: "https://evil.example/amer/"), "ServiceUrlMismatch");

    [Fact]
    public Task AlgNone_Refused() => AssertRefusedAsync("alg-none", FakeBotFramework.UnsignedToken("none"));

    [Fact]
    public Task SignatureRemoved_Refused() => AssertRefusedAsync("unsigned", FakeBotFramework.UnsignedToken("RS256", FakeBotFramework.TeamsKeyId));

    [Fact]
    public Task Hs256WithKnownKeyId_Refused()
    {
        var secret = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("a-shared-secret-of-at-least-32-bytes!!")) { KeyId = FakeBotFramework.TeamsKeyId };
        return AssertRefusedAsync("hs256", Fake.CreateToken(key: secret, algorithm: SecurityAlgorithms.HmacSha256));
    }

    [Fact]
    public Task SignedByUnknownKeyWithKnownKeyId_Refused()
    {
        var impostor = new RsaSecurityKey(RSA.Create(2048)) { KeyId = FakeBotFramework.TeamsKeyId };
        return AssertRefusedAsync("impostor", Fake.CreateToken(key: impostor));
    }

    [Fact]
    public Task NoToken_Refused() => AssertRefusedAsync("no-token", token: null, "Missing token");

    [Fact]
    public async Task BasicScheme_Refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = System.Net.Http.Json.JsonContent.Create(TeamsHost.Message("basic", "roi")),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Fake.CreateToken());
        var response = await Host.Factory.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Send the Bot Framework token as Authorization: Bearer <token>.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ChannelOtherThanTeams_Refused()
    {
        var activity = TeamsHost.Message("webchat", "roi");
        activity["channelId"] = "webchat";
        var response = await Host.PostActivityAsync(activity, Fake.CreateToken(key: Fake.WebChatKey));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(await IsTakenAsync("webchat"));
    }

    [Fact]
    public async Task TenantNotAllowed_Forbidden()
    {
        var response = await Host.PostActivityAsync(TeamsHost.Message("tenant", "roi", tenantId: "0d0d0d0d-1111-2222-3333-444444444444"), Fake.CreateToken());
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(await IsTakenAsync("tenant"));
    }

    [Fact]
    public async Task MalformedJson_BadRequestNamingLine()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent("{\n\"type\": \"message\",\n\"id\": 12,,\n}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Fake.CreateToken());
        var response = await Host.Factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("line 3", await response.Content.ReadAsStringAsync());
    }

    private async Task AssertRefusedAsync(string activityId, string? token, string reason = "InvalidToken")
    {
        var response = await Host.PostActivityAsync(TeamsHost.Message(activityId, "roi help"), token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync());
        Assert.False(await IsTakenAsync(activityId));
        Assert.DoesNotContain(Fake.ConnectorPosts, p => p.Uri.AbsolutePath.EndsWith("/activities/" + activityId, StringComparison.Ordinal));
    }

    private async Task<bool> IsTakenAsync(string activityId)
    {
        await using var connection = await Host.Service<Database>().OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM teams_inbound_activities WHERE activity_id = @activityId", new { activityId }) > 0;
    }
}
