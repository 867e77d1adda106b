using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bot.Slack;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NJsonSchema;

namespace Bot.Tests.Slack;

/// <summary>manifests/slack/manifest.json against Slack's published schema (a copy in Fixtures) and against the app.</summary>
public sealed class SlackManifestTests
{
    private static readonly string ManifestPath = Path.Combine(AppContext.BaseDirectory, "Manifests", "slack", "manifest.json");

    // Slack's schema names no dialect; it uses only keywords draft-04 already has, which is how NJsonSchema reads it.
    private static readonly Lazy<Task<JsonSchema>> Schema = new(() =>
        JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Slack", "slack-app-manifest.schema.1.0.0.json")));

    private static JsonNode Manifest() => JsonNode.Parse(File.ReadAllText(ManifestPath))!;

    private static async Task<IReadOnlyList<string>> ErrorsAsync(JsonNode manifest) =>
        [.. (await Schema.Value).Validate(manifest.ToJsonString()).Select(e => $"{e.Path}: {e.Kind}")];

    [Fact]
    public async Task Manifest_IsValidAgainstSlacksSchema() => Assert.Empty(await ErrorsAsync(Manifest()));

    [Fact]
    public async Task SchemaCopy_AcceptsSlacksValidExample_AndRejectsACommandWithoutSlash()
    {
        var example = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Slack", "slack-app-manifest.example.valid.json")))!;
        var broken = Manifest();
        broken["features"]!["slash_commands"]![0]!["command"] = "roi";

        Assert.Empty(await ErrorsAsync(example));
        Assert.Equal(["#/features.slash_commands[0]: ArrayItemNotValid"], await ErrorsAsync(broken));
    }

    [Fact]
    public void Manifest_AsksOnlyForTheScopesAndEventsTheAdapterUses()
    {
        var manifest = Manifest();

        Assert.Equal(["app_mentions:read", "chat:write", "commands", "files:write", "im:history"], manifest["oauth_config"]!["scopes"]!["bot"]!.AsArray().Select(s => s!.GetValue<string>()).Order());
        Assert.Equal(["app_mention", "message.im"], manifest["settings"]!["event_subscriptions"]!["bot_events"]!.AsArray().Select(s => s!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task EverySlashCommand_HasAHandlerThatAnswers()
    {
        using var app = new SlackTestApp();
        var commands = Manifest()["features"]!["slash_commands"]!.AsArray().Select(c => c!["command"]!.GetValue<string>()).ToList();

        Assert.NotEmpty(commands);
        foreach (var command in commands)
        {
            Assert.Contains(command, SlackInbound.SlashCommands);
            var response = await app.PostSlashCommandAsync("help", command: command);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
        }

        var answers = await app.Slack.WaitForCallsAsync(commands.Count);
        Assert.All(answers, a => Assert.Equal("ROI bot commands", a.Json.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task UnknownSlashCommand_GetsTheRightFormAndNoWork()
    {
        using var app = new SlackTestApp();

        var response = await app.PostSlashCommandAsync("help", command: "/cost");

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ephemeral", body.GetProperty("response_type").GetString());
        Assert.Contains("/roi help", body.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryRequestUrl_PathIsMappedForPost()
    {
        using var app = new SlackTestApp();
        var manifest = Manifest();
        var urls = manifest["features"]!["slash_commands"]!.AsArray().Select(c => c!["url"]!.GetValue<string>())
            .Append(manifest["settings"]!["event_subscriptions"]!["request_url"]!.GetValue<string>())
            .Append(manifest["settings"]!["interactivity"]!["request_url"]!.GetValue<string>())
            .ToList();
        var posts = app.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("POST") == true)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.Equal(3, urls.Count);
        Assert.All(urls, url => Assert.Contains(new Uri(url).AbsolutePath, posts));
    }
}
