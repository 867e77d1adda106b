using System.Net;
using System.Text.Json.Nodes;
using Bot.Charts;
using Bot.Chat;
using Bot.Digests;
using Bot.Roi;
using Bot.Tests.Digests;
using Bot.Tests.Teams;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Charts;

/// <summary>
/// The chart travels through the Teams adapter: the card shows an `Image` whose URL is a signed, expiring link the
/// bot serves. Teams answers from a background worker, so the link's host comes from Charts:PublicBaseUrl.
/// </summary>
public sealed class TeamsChartTests
{
    private static readonly Dictionary<string, string?> ChartSettings = new()
    {
        ["Charts:PublicBaseUrl"] = "https://roi.example.com",
        ["Charts:SigningKey"] = "teams-chart-test-signing-key-0123456789",
    };

    [Fact]
    public async Task TeamsMention_RoiChartFeature_CardImageIsASignedLinkTheBotServes()
    {
        using var host = new TeamsHost(ChartSettings);
        await ChartSeed.MeetingSummaryAsync(host.Factory.Services, CancellationToken.None);

        await host.PostActivityAsync(TeamsHost.Message("chart-1", "<at>ROI</at> roi chart meeting-summary"), host.Fake.CreateToken());

        var card = Assert.Single(await host.Fake.WaitForPostsAsync(1)).Json["attachments"]![0]!["content"]!;
        Assert.Empty((await AdaptiveCardRendererTests.AdaptiveCardSchemaAsync()).Validate(card.ToJsonString()).Select(e => $"{e.Path}: {e.Kind}"));
        var image = Assert.Single(Images(card));
        Assert.StartsWith("Chart of meeting-summary, 2025-12 to 2026-11", image["altText"]!.GetValue<string>(), StringComparison.Ordinal);
        var link = new Uri(image["url"]!.GetValue<string>());
        Assert.Equal("https://roi.example.com", link.GetLeftPart(UriPartial.Authority));
        Assert.Matches(@"^/charts/[0-9a-f]{32}\.png$", link.AbsolutePath);

        using var client = host.Factory.CreateClient();
        using var served = await client.GetAsync(link.PathAndQuery);
        var expected = await host.Service<ChartService>().FeatureChartAsync("meeting-summary", ReportingPeriod.Month(2026, 11), CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected.Chart!.Png, await served.Content.ReadAsByteArrayAsync());

        var signature = System.Web.HttpUtility.ParseQueryString(link.Query)["sig"]!;
        var tampered = link.PathAndQuery.Replace("sig=" + signature, "sig=" + (signature[0] == 'A' ? 'B' : 'A') + signature[1..], StringComparison.Ordinal);
        using var refused = await client.GetAsync(tampered);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task TeamsMention_NoPublicBaseUrl_CardShowsTheDescription_StartUpWarnsOnce()
    {
        using var host = new TeamsHost();
        await ChartSeed.MeetingSummaryAsync(host.Factory.Services, CancellationToken.None);

        await host.PostActivityAsync(TeamsHost.Message("chart-2", "<at>ROI</at> roi chart meeting-summary"), host.Fake.CreateToken());

        var card = Assert.Single(await host.Fake.WaitForPostsAsync(1)).Json["attachments"]![0]!["content"]!;
        Assert.Empty(Images(card));
        Assert.Contains("Chart: Chart of meeting-summary, 2025-12 to 2026-11", card.ToJsonString(), StringComparison.Ordinal);
        Assert.Single(host.Logs.Lines, line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("Charts__PublicBaseUrl is not set", StringComparison.Ordinal));
        Assert.Equal(0, await StoredChartsAsync(host));
    }

    [Fact]
    public async Task TeamsMention_PublicBaseUrlSet_NoStartUpWarning()
    {
        using var host = new TeamsHost(ChartSettings);

        await host.PostActivityAsync(TeamsHost.Message("help-1", "<at>ROI</at> roi help"), host.Fake.CreateToken());
        await host.Fake.WaitForPostsAsync(1);

        Assert.DoesNotContain(host.Logs.Lines, line => line.Contains("PublicBaseUrl", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TeamsDigest_TwoFlaggedFeatures_TwoImagesEachServed()
    {
        using var host = new TeamsHost(ChartSettings);
        await host.PostActivityAsync(TeamsHost.BotAdded("install-charts"), host.Fake.CreateToken());
        await host.Fake.WaitForPostsAsync(1);
        await DigestChartTests.SeedTwoFlaggedAsync(host.Factory.Services);
        var digest = await host.Service<DigestComposer>().ComposeAsync(DigestKind.Monthly, ReportingPeriod.Month(2026, 11), CancellationToken.None);

        await host.Factory.Services.GetServices<IChatSender>().Single(s => s.Platform == "teams")
            .SendAsync("19:general@thread.tacv2", digest, "digest-1-monthly-2026-11", CancellationToken.None);

        var card = host.Fake.ConnectorPosts[^1].Json["attachments"]![0]!["content"]!;
        var images = Images(card);
        Assert.Equal(2, images.Count);
        Assert.Equal(digest.Charts.Select(c => c.AltText), images.Select(i => i["altText"]!.GetValue<string>()));
        using var client = host.Factory.CreateClient();
        for (var i = 0; i < images.Count; i++)
        {
            using var served = await client.GetAsync(new Uri(images[i]["url"]!.GetValue<string>()).PathAndQuery);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal(digest.Charts[i].Png, await served.Content.ReadAsByteArrayAsync());
        }
    }

    private static List<JsonNode> Images(JsonNode card) =>
        [.. card["body"]!.AsArray().Where(e => e!["type"]!.GetValue<string>() == "Image").Select(e => e!)];

    private static async Task<long> StoredChartsAsync(TeamsHost host)
    {
        await using var connection = await host.Service<Bot.Data.Database>().OpenAsync(CancellationToken.None);
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT COUNT(*) FROM charts");
    }
}
