using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bot.Tests.Teams;

public sealed class TeamsOptionsTests : IDisposable
{
    private readonly List<string> folders = [];

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var folder in folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Default_TeamsOff_BotRunsAndMessagesEndpointAbsent()
    {
        using var app = new BotApplication();
        var response = await app.CreateClient().PostAsync("/api/messages", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void Enabled_WithoutAppIdOrPassword_RefusesToStart()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Build("--Teams:Enabled=true", "--Teams:TenantId=" + FakeBotFramework.TenantId));
        Assert.Contains("Teams is enabled but has no app id: set Teams__AppId to the bot's Microsoft App ID.", error.Message);
        Assert.Contains("Teams is enabled but has no app password: set the environment variable Teams__AppPassword", error.Message);
    }

    [Fact]
    public void SingleTenant_WithoutTenantId_RefusesToStart()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Build("--Teams:Enabled=true", "--Teams:AppId=" + FakeBotFramework.AppId, "--Teams:AppPassword=secret"));
        Assert.Contains("Teams:TenantId is required for a single-tenant app: set Teams__TenantId", error.Message);
    }

    [Fact]
    public void PostLease_NotLongerThanOnePostWithItsRetries_RefusesToStart()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Build("--environment=Development", "--Teams:Enabled=true", "--Teams:DevelopmentMode=true", "--Teams:PostLease=00:02:00"));
        Assert.Contains("Teams:PostLease must be longer than one post may take with its retries (00:02:00)", error.Message);
    }

    [Fact]
    public void ActivityLease_OverTenMinutes_RefusesToStart()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Build("--environment=Development", "--Teams:Enabled=true", "--Teams:DevelopmentMode=true", "--Teams:ActivityLease=00:30:00"));
        Assert.Contains("ActivityLease", error.Message);
    }

    [Fact]
    public void DevelopmentMode_InProduction_RefusesToStart()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Build("--environment=Production", "--Teams:Enabled=true", "--Teams:DevelopmentMode=true"));
        Assert.Contains("refused when the environment is Production: set Teams__DevelopmentMode=false, or run local tools such as the Agents Playground with ASPNETCORE_ENVIRONMENT=Development.", error.Message);
    }

    [Fact]
    public async Task DevelopmentMode_InDevelopment_Starts()
    {
        await using var app = Build("--environment=Development", "--Teams:Enabled=true", "--Teams:DevelopmentMode=true");
        Assert.True(app.Services.GetRequiredService<IOptions<Bot.Teams.TeamsOptions>>().Value.DevelopmentMode);
    }

    [Fact]
    public void AppPasswordInAppsettingsFile_Detected()
    {
        var folder = Directory.CreateTempSubdirectory("roi-bot-teams-settings-").FullName;
        folders.Add(folder);
        File.WriteAllText(Path.Combine(folder, "appsettings.json"), "{\"Teams\": {\"AppPassword\": \"oops\"}}");
        File.WriteAllText(Path.Combine(folder, "appsettings.Clean.json"), "{\"Teams\": {\"AppId\": \"x\"}}");

        var leaky = new ConfigurationBuilder().AddJsonFile(Path.Combine(folder, "appsettings.json")).Build();
        var clean = new ConfigurationBuilder().AddJsonFile(Path.Combine(folder, "appsettings.Clean.json")).AddInMemoryCollection(new Dictionary<string, string?> { ["Teams:AppPassword"] = "from-env" }).Build();

        Assert.Equal("appsettings.json", Bot.Teams.TeamsChat.SecretInSettingsFile(leaky));
        Assert.Null(Bot.Teams.TeamsChat.SecretInSettingsFile(clean));
    }

    /// <summary>The real composition (as `serve` runs it) over a throwaway database.</summary>
    private WebApplication Build(params string[] args)
    {
        var folder = Directory.CreateTempSubdirectory("roi-bot-teams-").FullName;
        folders.Add(folder);
        var database = Path.Combine(folder, "roi.db");
        return BotHost.Build([$"--Storage:Path={database}", .. args]);
    }

    [Fact]
    public async Task DevelopmentMode_NoToken_AnswersLoopbackServiceUrlWithoutCredentials()
    {
        using var host = new TeamsHost(new Dictionary<string, string?>
        {
            ["Teams:DevelopmentMode"] = "true",
            ["Teams:AppId"] = "",
            ["Teams:AppPassword"] = "",
        });
        var response = await host.PostActivityAsync(TeamsHost.Message("dev-1", "roi help", serviceUrl: "http://127.0.0.1:56150/"), token: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var post = Assert.Single(await host.Fake.WaitForPostsAsync(1));
        Assert.Equal("127.0.0.1", post.Uri.Host);
        Assert.Null(post.Authorization);
        Assert.Empty(host.Fake.TokenRequests);
    }

    [Fact]
    public async Task DevelopmentMode_NonLoopbackServiceUrl_NothingSent()
    {
        using var host = new TeamsHost(new Dictionary<string, string?> { ["Teams:DevelopmentMode"] = "true" });
        var response = await host.PostActivityAsync(TeamsHost.Message("dev-2", "roi help", serviceUrl: "https://evil.example/"), token: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await host.Fake.WaitForPostsAsync(1, TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task AllowedTenantIds_OtherTenantListed_Accepted()
    {
        const string partner = "0d0d0d0d-1111-2222-3333-444444444444";
        using var host = new TeamsHost(new Dictionary<string, string?> { ["Teams:AllowedTenantIds:0"] = partner });
        var response = await host.PostActivityAsync(TeamsHost.Message("partner-1", "roi help", tenantId: partner), host.Fake.CreateToken());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SigningKeysUnreachable_ServiceUnavailableAndNothingTaken()
    {
        using var host = new TeamsHost(new Dictionary<string, string?> { ["Teams:OpenIdMetadataUrl"] = "https://login.botframework.test/missing" });
        var response = await host.PostActivityAsync(TeamsHost.Message("no-keys", "roi help"), host.Fake.CreateToken());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(await host.Fake.WaitForPostsAsync(1, TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Activity_WithoutConversationId_BadRequestNamingField()
    {
        using var host = new TeamsHost();
        var activity = TeamsHost.Message("incomplete", "roi");
        activity["conversation"]!.AsObject().Remove("id");
        var response = await host.PostActivityAsync(activity, host.Fake.CreateToken());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("conversation.id", await response.Content.ReadAsStringAsync());
    }
}
