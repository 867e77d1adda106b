using System.Net.Http.Json;
using System.Text.Json;
using Bot.Chat;
using Bot.Digests;
using Bot.Roi;
using Bot.Tests.Slack;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Digests;

/// <summary>A digest carries the 12-month chart of each feature it flags (negative or declining), up to three.</summary>
public sealed class DigestChartTests
{
    private static readonly ReportingPeriod November = ReportingPeriod.Month(2026, 11);

    private const string LegalDraftsFile = "roi-legal-drafts-2025-12-to-2026-11.png";
    private const string SearchAnswersFile = "roi-search-answers-2025-12-to-2026-11.png";

    /// <summary>
    /// Support steady (not flagged); legal drafts negative for two months; search answers declining by half. The two
    /// months are <paramref name="lastMonth"/> (November 2026 unless given) and the one before.
    /// </summary>
    internal static async Task SeedTwoFlaggedAsync(IServiceProvider services, ReportingPeriod? lastMonth = null)
    {
        var last = lastMonth ?? November;
        var (before, month) = (last.Previous().Label, last.Label);
        var data = new DigestTestData(services);
        await data.BaselineAsync("support-classifier", 2m, 50m);
        await data.BaselineAsync("legal-drafts", 1m, 60m); // $1/task
        await data.BaselineAsync("search-answers", 1m, 60m);
        foreach (var label in new[] { before, month })
        {
            await data.MonthAsync("support-classifier", label, 1000, 25m);
            await data.MonthAsync("legal-drafts", label, 100, 150m); // $1.50/task
        }

        await data.MonthAsync("search-answers", before, 1000, 10m);
        await data.MonthAsync("search-answers", month, 1000, 20m);
    }

    [Fact]
    public async Task Digest_TwoFlaggedFeatures_CarriesTheirTwoChartsNegativeFirst()
    {
        using var app = new BotApplication(DigestHosts.Settings());
        await SeedTwoFlaggedAsync(app.Services);

        var reply = await new DigestTestData(app.Services).DigestAsync(DigestKind.Monthly, November);

        Assert.Equal([LegalDraftsFile, SearchAnswersFile], reply.Charts.Select(c => c.FileName));
        Assert.StartsWith("Chart of legal-drafts, 2025-12 to 2026-11: 2 months with data. ROI multiple: 0.67x in 2026-10, 0.67x in 2026-11", reply.Charts[0].AltText, StringComparison.Ordinal);
        Assert.StartsWith("Chart of search-answers, 2025-12 to 2026-11: 2 months with data. ROI multiple: 100x in 2026-10, 50.0x in 2026-11", reply.Charts[1].AltText, StringComparison.Ordinal);
        Assert.All(reply.Charts, chart => Assert.Equal((800, 450), PngSize(chart.Png)));
        Assert.Equal("Charts below: legal-drafts, search-answers, the 12 months to 2026-11.", reply.Body[^1]);
    }

    [Fact]
    public async Task Digest_RenderedAsText_ListsEachChartUnderChart()
    {
        using var app = new BotApplication(DigestHosts.Settings());
        await SeedTwoFlaggedAsync(app.Services);

        var text = PlainTextRenderer.Render(await new DigestTestData(app.Services).DigestAsync(DigestKind.Monthly, November));

        var chartLines = text.Split('\n').Where(line => line.StartsWith("[chart] ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, chartLines.Count);
        Assert.StartsWith("[chart] Chart of legal-drafts, 2025-12 to 2026-11", chartLines[0], StringComparison.Ordinal);
        Assert.StartsWith("[chart] Chart of search-answers, 2025-12 to 2026-11", chartLines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Digest_FiveFlagged_ThreeChartsAndSaysHowManyMore()
    {
        using var app = new BotApplication(DigestHosts.Settings());
        var data = new DigestTestData(app.Services);
        foreach (var feature in new[] { "a-drafts", "b-drafts", "c-drafts", "d-drafts", "e-drafts" })
        {
            await data.BaselineAsync(feature, 1m, 60m);
            await data.MonthAsync(feature, "2026-10", 100, 150m);
            await data.MonthAsync(feature, "2026-11", 100, 150m);
        }

        var reply = await data.DigestAsync(DigestKind.Monthly, November);

        Assert.Equal(["roi-a-drafts-2025-12-to-2026-11.png", "roi-b-drafts-2025-12-to-2026-11.png", "roi-c-drafts-2025-12-to-2026-11.png"], reply.Charts.Select(c => c.FileName));
        Assert.Equal("Charts below: a-drafts, b-drafts, c-drafts, the 12 months to 2026-11; and 2 more flagged (d-drafts, e-drafts): `roi chart <feature>` draws one.", reply.Body[^1]);
    }

    [Fact]
    public async Task Digest_FlaggedFeatureWithOneMonth_NoChartForIt_NextOneCharted()
    {
        using var app = new BotApplication(DigestHosts.Settings());
        var data = new DigestTestData(app.Services);
        await data.BaselineAsync("new-drafts", 1m, 60m);
        await data.MonthAsync("new-drafts", "2026-11", 100, 150m); // newly negative, nothing before
        await data.BaselineAsync("old-drafts", 1m, 60m);
        await data.MonthAsync("old-drafts", "2026-10", 100, 150m);
        await data.MonthAsync("old-drafts", "2026-11", 100, 150m);

        var reply = await data.DigestAsync(DigestKind.Monthly, November);

        Assert.Contains(reply.Highlights, h => h.Text.StartsWith("new-drafts: newly negative ROI", StringComparison.Ordinal));
        Assert.Equal(["roi-old-drafts-2025-12-to-2026-11.png"], reply.Charts.Select(c => c.FileName));
        Assert.Equal("Charts below: old-drafts, the 12 months to 2026-11.", reply.Body[^1]);
    }

    [Fact]
    public async Task Digest_NothingFlagged_NoChartsAndNoChartLine()
    {
        using var app = new BotApplication(DigestHosts.Settings());
        var data = new DigestTestData(app.Services);
        await data.BaselineAsync("support-classifier", 2m, 50m);
        await data.MonthAsync("support-classifier", "2026-10", 1000, 25m);
        await data.MonthAsync("support-classifier", "2026-11", 1000, 25m);

        var reply = await data.DigestAsync(DigestKind.Monthly, November);

        Assert.Empty(reply.Charts);
        Assert.DoesNotContain(reply.Body, line => line.StartsWith("Charts", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QuarterlyDigest_ChartsEndWithTheQuartersLastMonth()
    {
        using var app = new BotApplication(DigestHosts.Settings());
        await SeedTwoFlaggedAsync(app.Services);

        var reply = await new DigestTestData(app.Services).DigestAsync(DigestKind.Quarterly, ReportingPeriod.Quarter(2026, 4));

        // Q4 2026 is still running on 3 December: the charts end with December, the quarter's last month begun.
        Assert.Equal(["roi-legal-drafts-2026-01-to-2026-12.png"], reply.Charts.Select(c => c.FileName));
    }

    [Fact]
    public async Task SlackDigest_TwoCharts_TwoUploadSequencesAfterTheText()
    {
        using var app = new SlackTestApp();
        await SeedTwoFlaggedAsync(app.Factory.Services);
        var digest = await new DigestTestData(app.Factory.Services).DigestAsync(DigestKind.Monthly, November);

        await SlackSender(app).SendAsync("C0DIGEST", digest, "digest-7-monthly-2026-11", CancellationToken.None);

        var calls = app.Slack.Calls;
        var uploads = calls.SkipWhile(c => c.ApiMethod == "chat.postMessage").ToList();
        Assert.NotEqual(calls.Count, uploads.Count);
        Assert.Equal(["files.getUploadURLExternal", "abc", "files.completeUploadExternal", "files.getUploadURLExternal", "abc", "files.completeUploadExternal"], uploads.Select(c => c.ApiMethod));
        var tickets = uploads.Where(c => c.ApiMethod == "files.getUploadURLExternal").Select(c => System.Web.HttpUtility.ParseQueryString(c.Body)).ToList();
        Assert.Equal([LegalDraftsFile, SearchAnswersFile], tickets.Select(t => t["filename"]));
        Assert.Equal(digest.Charts.Select(c => c.Png.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)), tickets.Select(t => t["length"]));
        Assert.Equal(digest.Charts.Select(c => c.AltText), tickets.Select(t => t["alt_txt"]));
        Assert.All(uploads.Where(c => c.ApiMethod == "files.completeUploadExternal"), c => Assert.Equal("C0DIGEST", c.Json.GetProperty("channel_id").GetString()));
    }

    [Fact]
    public async Task SlackDigest_FirstUploadFails_SecondChartStillSharedAndThePostSucceeds()
    {
        using var app = new SlackTestApp();
        await SeedTwoFlaggedAsync(app.Factory.Services);
        var digest = await new DigestTestData(app.Factory.Services).DigestAsync(DigestKind.Monthly, November);
        app.Slack.Then("files.getUploadURLExternal", () => FakeSlack.Json("""{"ok":false,"error":"internal_error"}"""));

        // Not thrown: the delivery log would retry, and post the digest's text a second time.
        await SlackSender(app).SendAsync("C0DIGEST", digest, "digest-7-monthly-2026-11", CancellationToken.None);

        var uploads = app.Slack.Calls.SkipWhile(c => c.ApiMethod == "chat.postMessage").Select(c => c.ApiMethod);
        Assert.Equal(["files.getUploadURLExternal", "files.getUploadURLExternal", "abc", "files.completeUploadExternal"], uploads);
        Assert.Contains(app.Logs.Lines, line => line.Contains($"Could not upload the chart {LegalDraftsFile}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LocalChat_RoiDigest_JsonCarriesBothChartsAsPngs()
    {
        using var app = new BotApplication(DigestHosts.Settings());
        await SeedTwoFlaggedAsync(app.Services);

        var response = await app.CreateClient().PostAsJsonAsync("/api/chat", new { text = "roi digest 2026-11" });

        var charts = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reply").GetProperty("charts").EnumerateArray().ToList();
        Assert.Equal([LegalDraftsFile, SearchAnswersFile], charts.Select(c => c.GetProperty("fileName").GetString()));
        Assert.StartsWith("Chart of search-answers", charts[1].GetProperty("altText").GetString(), StringComparison.Ordinal);
        Assert.All(charts, chart => Assert.Equal((800, 450), PngSize(chart.GetProperty("png").GetBytesFromBase64())));
    }

    [Fact]
    public async Task LocalPostsFeed_DeliveredDigest_HasBothCharts()
    {
        using var app = new BotApplication(DigestHosts.Settings(), new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero));
        await SeedTwoFlaggedAsync(app.Services);
        var client = app.CreateClient();
        await client.PostAsJsonAsync("/api/chat", new { text = "roi subscribe monthly" });
        var fire = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        app.Time.SetUtcNow(fire);
        await app.Service<DigestDeliverer>().RunAsync(fire, CancellationToken.None);

        var feed = await client.GetFromJsonAsync<JsonElement>("/api/chat/posts?after=0");

        var post = Assert.Single(feed.GetProperty("posts").EnumerateArray());
        var charts = post.GetProperty("reply").GetProperty("charts").EnumerateArray().ToList();
        Assert.Equal([LegalDraftsFile, SearchAnswersFile], charts.Select(c => c.GetProperty("fileName").GetString()));
        Assert.All(charts, chart => Assert.Equal((800, 450), PngSize(chart.GetProperty("png").GetBytesFromBase64())));
    }

    private static IChatSender SlackSender(SlackTestApp app) =>
        app.Factory.Services.GetRequiredService<IEnumerable<IChatSender>>().Single(s => s.Platform == "slack");

    /// <summary>Width and height from the PNG's IHDR chunk (bytes 16–23, big-endian).</summary>
    private static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        return (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }
}
