using System.Net;

namespace Bot.Tests.Slack;

/// <summary>
/// The bot posts a slash command's answer to its response_url, so that URL must be Slack's: anything else is never
/// contacted and the answer goes to the command's channel with chat.postMessage, saying what it answers.
/// </summary>
public sealed class SlackResponseUrlTests
{
    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("file:///etc/passwd")]
    [InlineData("http://hooks.slack.com/commands/T0ALLOWED/1/abc")]
    [InlineData("https://hooks.slack.com.evil.example/commands/T0ALLOWED/1/abc")]
    [InlineData("https://hooks.slack.com:8443/commands/T0ALLOWED/1/abc")]
    [InlineData("https://user@hooks.slack.com/commands/T0ALLOWED/1/abc")]
    [InlineData("https://localhost/commands")]
    public async Task SlashCommand_ResponseUrlNotSlack_NotContactedAnsweredInChannel(string responseUrl)
    {
        using var app = new SlackTestApp();

        var response = await app.PostSlashCommandAsync("help", responseUrl: responseUrl);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = Assert.Single(await app.Slack.WaitForCallsAsync(1));
        Assert.Equal("https://slack.com/api/chat.postMessage", call.Uri.ToString());
        Assert.Equal("C0CHANNEL", call.Json.GetProperty("channel").GetString());
        Assert.Equal("ROI bot commands", call.Json.GetProperty("text").GetString());
        Assert.Contains("Answer to /roi from ada, posted in the channel because the command's reply address was not Slack's.", System.Text.RegularExpressions.Regex.Unescape(call.Body), StringComparison.Ordinal);

        var warning = Assert.Single(app.Logs.Lines, line => line.Contains("response_url", StringComparison.Ordinal));
        Assert.StartsWith("Warning", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.Lines, line => line.StartsWith("Error", StringComparison.Ordinal) || line.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SlashCommand_ResponseUrlNotAUrl_BadRequestNothingPosted()
    {
        using var app = new SlackTestApp();

        var response = await app.PostSlashCommandAsync("help", responseUrl: "not a url");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await Task.Delay(200);
        Assert.Empty(app.Slack.Calls);
    }

    [Fact]
    public async Task SlashCommand_ResponseUrlOnConfiguredHost_AnsweredThere()
    {
        using var app = new SlackTestApp(new Dictionary<string, string?> { ["Slack:ResponseUrlHosts:0"] = "hooks.fake-slack.test" });
        const string responseUrl = "https://hooks.fake-slack.test/commands/T0ALLOWED/2/xyz";

        await app.PostSlashCommandAsync("help", responseUrl: responseUrl);

        var call = Assert.Single(await app.Slack.WaitForCallsAsync(1));
        Assert.Equal(responseUrl, call.Uri.ToString());
        Assert.Equal("in_channel", call.Json.GetProperty("response_type").GetString());
    }

    [Fact]
    public async Task SlashCommand_SlackHostNotListedWhenOthersConfigured_AnsweredInChannel()
    {
        using var app = new SlackTestApp(new Dictionary<string, string?> { ["Slack:ResponseUrlHosts:0"] = "hooks.fake-slack.test" });

        await app.PostSlashCommandAsync("help");

        var call = Assert.Single(await app.Slack.WaitForCallsAsync(1));
        Assert.Equal("chat.postMessage", call.ApiMethod);
    }

    [Fact]
    public async Task SlashCommand_TextOverTheCap_ShortErrorNotEchoed()
    {
        using var app = new SlackTestApp();
        var pasted = new string('x', 100_000);

        await app.PostSlashCommandAsync(pasted);

        var call = Assert.Single(await app.Slack.WaitForCallsAsync(1));
        Assert.Equal(SlackTestApp.ResponseUrl, call.Uri.ToString());
        Assert.Equal("ephemeral", call.Json.GetProperty("response_type").GetString());
        Assert.Contains("That message is too long", call.Body, StringComparison.Ordinal);
        Assert.True(call.Body.Length < 2_000, $"the answer is {call.Body.Length} characters");
        Assert.DoesNotContain("xxxxxxxxxx", call.Body, StringComparison.Ordinal);
    }
}
