using Bot.Tests.Slack;

namespace Bot.Tests.Charts;

/// <summary>The chart travels through the Slack adapter (branch slack): answered in the thread, then uploaded there.</summary>
public sealed class SlackChartTests
{
    [Fact]
    public async Task SlackMention_RoiChartFeature_UploadsThePngIntoTheThread()
    {
        using var app = new SlackTestApp();
        await ChartSeed.MeetingSummaryAsync(app.Factory.Services, CancellationToken.None);

        await app.PostEventAsync(SlackTestApp.Mention("roi chart meeting-summary", ts: "1764756000.000300"), "EvChart");

        var calls = await app.Slack.WaitForCallsAsync(4);
        Assert.Equal(["chat.postMessage", "files.getUploadURLExternal", "abc", "files.completeUploadExternal"], calls.Select(c => c.ApiMethod));
        var ticket = System.Web.HttpUtility.ParseQueryString(calls[1].Body);
        Assert.StartsWith("roi-meeting-summary-", ticket["filename"], StringComparison.Ordinal);
        Assert.True(int.Parse(ticket["length"]!, System.Globalization.CultureInfo.InvariantCulture) > 10_000, $"a {ticket["length"]}-byte PNG is too small for a chart");
        Assert.StartsWith("Chart of meeting-summary", ticket["alt_txt"], StringComparison.Ordinal);
        Assert.Equal("C0CHANNEL", calls[3].Json.GetProperty("channel_id").GetString());
        Assert.Equal("1764756000.000300", calls[3].Json.GetProperty("thread_ts").GetString());
    }
}
