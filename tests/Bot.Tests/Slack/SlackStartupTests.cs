using System.Net;
using Microsoft.Extensions.Options;

namespace Bot.Tests.Slack;

public sealed class SlackStartupTests
{
    [Fact]
    public async Task SlackDisabledByDefault_HostStartsAndEndpointIs404()
    {
        using var app = new BotApplication();

        var response = await app.CreateClient().PostAsync("/slack/events", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Enabled_WithEverythingItNeeds_Starts() =>
        await RealHost.StartAndStopAsync("--Slack:Enabled=true", "--Slack:BotToken=xoxb-1", "--Slack:SigningSecret=s", "--Slack:AllowedTeamIds:0=T1");

    [Fact]
    public async Task Enabled_WithoutSigningSecret_RefusesToStart()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => RealHost.StartAndStopAsync(
            "--Slack:Enabled=true",
            "--Slack:BotToken=xoxb-1",
            "--Slack:AllowedTeamIds:0=T1"));

        Assert.Contains("Slack is enabled but has no signing secret, so Slack's requests cannot be verified: set the environment variable Slack__SigningSecret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SocketMode_WithoutAppToken_RefusesToStart()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => RealHost.StartAndStopAsync(
            "--Slack:Enabled=true",
            "--Slack:SocketMode=true",
            "--Slack:BotToken=xoxb-1",
            "--Slack:AllowedTeamIds:0=T1"));

        Assert.Contains("set the environment variable Slack__AppToken to an xapp- token", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SigningSecret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enabled_WithoutAllowedWorkspaces_RefusesToStart()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => RealHost.StartAndStopAsync(
            "--Slack:Enabled=true",
            "--Slack:BotToken=xoxb-1",
            "--Slack:SigningSecret=s"));

        Assert.Contains("Slack is enabled but no workspace is allowed: set Slack__AllowedTeamIds__0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:05")]
    [InlineData("01:00:00")]
    public async Task DeliveryLease_OutsideTenSecondsToThirtyMinutes_RefusesToStart(string lease)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => RealHost.StartAndStopAsync(
            "--Slack:Enabled=true",
            "--Slack:BotToken=xoxb-1",
            "--Slack:SigningSecret=s",
            "--Slack:AllowedTeamIds:0=T1",
            $"--Slack:DeliveryLease={lease}"));

        Assert.Contains("Slack:DeliveryLease must be between 00:00:10 and 00:30:00", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResponseUrlHostGivenAsUrl_RefusesToStart()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => RealHost.StartAndStopAsync(
            "--Slack:Enabled=true",
            "--Slack:BotToken=xoxb-1",
            "--Slack:SigningSecret=s",
            "--Slack:AllowedTeamIds:0=T1",
            "--Slack:ResponseUrlHosts:0=https://hooks.slack.com/commands"));

        Assert.Contains("Slack:ResponseUrlHosts holds \"https://hooks.slack.com/commands\", which is not a host name", error.Message, StringComparison.Ordinal);
    }
}
