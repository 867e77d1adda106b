using System.Net;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Bot.Tests.Teams;

/// <summary>
/// Bearer strings that cannot be a Bot Framework token are refused from their header alone: no key fetch (so a caller
/// cannot make the bot reach out to Microsoft) and one warning line, never an error with a stack trace.
/// </summary>
public sealed class TeamsTokenTriageTests
{
    public static TheoryData<string, string> ImplausibleTokens()
    {
        var hs256 = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("a-shared-secret-of-at-least-32-bytes!!")) { KeyId = FakeBotFramework.TeamsKeyId };
        using var fake = new FakeBotFramework();
        return new TheoryData<string, string>
        {
            { "garbage", "abc.def.ghi" },
            { "alg-none", FakeBotFramework.UnsignedToken("none", FakeBotFramework.TeamsKeyId) },
            { "hs256", fake.CreateToken(key: hs256, algorithm: SecurityAlgorithms.HmacSha256) },
            { "no-kid", FakeBotFramework.UnsignedToken("RS256") },
            { "no-signature", FakeBotFramework.UnsignedToken("RS256", FakeBotFramework.TeamsKeyId) },
            { "one-part", "notajwtatall" },
        };
    }

    [Theory]
    [MemberData(nameof(ImplausibleTokens))]
    public async Task ImplausibleBearer_UnauthorizedWithoutKeyFetchOrStackTrace(string name, string token)
    {
        using var host = new TeamsHost();
        host.Fake.MetadataUnreachable = true;

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var response = await host.PostActivityAsync(TeamsHost.Message($"{name}-{attempt}", "roi help"), token);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Equal(0, host.Fake.MetadataFetches);
        var teamsLines = host.Logs.Lines.Where(line => line.Contains("Bot.Teams", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(teamsLines, line => line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Lines, line => line.Contains("   at ", StringComparison.Ordinal));
        Assert.Equal(3, teamsLines.Count(line => line.Contains("not an RS256 JWT", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task KeyFetchFails_ServiceUnavailableLoggedOncePerRetryWindowWithoutStackTrace()
    {
        using var host = new TeamsHost();
        host.Fake.MetadataUnreachable = true;

        for (var attempt = 0; attempt < 4; attempt++)
        {
            var response = await host.PostActivityAsync(TeamsHost.Message($"offline-{attempt}", "roi help"), host.Fake.CreateToken());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        // Four requests inside the retry window: one fetch, one line naming the cause.
        Assert.Equal(1, host.Fake.MetadataFetches);
        var failures = host.Logs.Lines.Where(line => line.Contains("signing keys", StringComparison.Ordinal)).ToList();
        var failure = Assert.Single(failures);
        Assert.StartsWith("Warning", failure, StringComparison.Ordinal);
        Assert.Contains("Name or service not known", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Lines, line => line.Contains("   at ", StringComparison.Ordinal));

        // After the window the keys are fetched again and, Microsoft reachable once more, the request is verified.
        host.Fake.MetadataUnreachable = false;
        host.Time.Advance(Bot.Teams.BotFrameworkKeyCache.FirstFetchRetryAfter);
        var recovered = await host.PostActivityAsync(TeamsHost.Message("online", "roi help"), host.Fake.CreateToken());
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Equal(2, host.Fake.MetadataFetches);
    }
}
