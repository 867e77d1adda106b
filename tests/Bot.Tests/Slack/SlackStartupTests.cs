using System.Net;
using Microsoft.Extensions.Options;

namespace Bot.Tests.Slack;

public sealed class SlackStartupTests
{
    /// <summary>The real composition, started the way `serve` starts it, on a throw-away database.</summary>
    private static async Task StartHostAsync(params string[] settings)
    {
        var folder = Directory.CreateTempSubdirectory("roi-bot-start-").FullName;
        try
        {
            await using var app = BotHost.Build([$"--Storage:Path={Path.Combine(folder, "roi.db")}", "--urls=http://127.0.0.1:0", .. settings]);
            await app.StartAsync();
            await app.StopAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task SlackDisabledByDefault_HostStartsAndEndpointIs404()
    {
        using var app = new BotApplication();

        var response = await app.CreateClient().PostAsync("/slack/events", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Enabled_WithEverythingItNeeds_Starts() =>
        await StartHostAsync("--Slack:Enabled=true", "--Slack:BotToken=xoxb-1", "--Slack:SigningSecret=s", "--Slack:AllowedTeamIds:0=T1");

    [Fact]
    public async Task Enabled_WithoutSigningSecret_RefusesToStart()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartHostAsync(
            "--Slack:Enabled=true",
            "--Slack:BotToken=xoxb-1",
            "--Slack:AllowedTeamIds:0=T1"));

        Assert.Contains("Slack:SigningSecret is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SocketMode_WithoutAppToken_RefusesToStart()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartHostAsync(
            "--Slack:Enabled=true",
            "--Slack:SocketMode=true",
            "--Slack:BotToken=xoxb-1",
            "--Slack:AllowedTeamIds:0=T1"));

        Assert.Contains("Slack:AppToken is required", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SigningSecret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enabled_WithoutAllowedWorkspaces_RefusesToStart()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartHostAsync(
            "--Slack:Enabled=true",
            "--Slack:BotToken=xoxb-1",
            "--Slack:SigningSecret=s"));

        Assert.Contains("Slack:AllowedTeamIds", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:05")]
    [InlineData("01:00:00")]
    public async Task DeliveryLease_OutsideTenSecondsToThirtyMinutes_RefusesToStart(string lease)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartHostAsync(
            "--Slack:Enabled=true",
            "--Slack:BotToken=xoxb-1",
            "--Slack:SigningSecret=s",
            "--Slack:AllowedTeamIds:0=T1",
            $"--Slack:DeliveryLease={lease}"));

        Assert.Contains("Slack:DeliveryLease must be between 00:00:10 and 00:30:00", error.Message, StringComparison.Ordinal);
    }
}
