using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bot.Teams;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Teams;

/// <summary>The bot with Teams enabled, every Microsoft endpoint answered by one <see cref="FakeBotFramework"/>.</summary>
internal sealed class TeamsHost : IDisposable
{
    private readonly BotApplication application;

    public TeamsHost(IDictionary<string, string?>? extraSettings = null, string? environment = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Teams:Enabled"] = "true",
            ["Teams:AppId"] = FakeBotFramework.AppId,
            ["Teams:AppPassword"] = "test-app-password",
            ["Teams:TenantId"] = FakeBotFramework.TenantId,
            ["Teams:OpenIdMetadataUrl"] = FakeBotFramework.MetadataUrl,
            ["Teams:TokenAuthority"] = FakeBotFramework.TokenAuthority,
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        application = new BotApplication(settings);
        Factory = application.WithWebHostBuilder(builder =>
        {
            builder.ConfigureLogging(logging => logging.AddProvider(Logs));
            if (environment is not null)
            {
                builder.UseEnvironment(environment);
            }

            builder.ConfigureTestServices(services =>
            {
                foreach (var name in new[] { TeamsChat.OpenIdHttpClientName, BotTokenProvider.HttpClientName, TeamsConnector.HttpClientName })
                {
                    services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(() => Fake);
                }
            });
        });
    }

    public FakeBotFramework Fake { get; } = new();

    /// <summary>Every log line the host wrote, formatted, with its exception.</summary>
    public Bot.Tests.Slack.RecordingLogs Logs { get; } = new();

    public WebApplicationFactory<Program> Factory { get; }

    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Time => application.Time;

    /// <summary>This host's SQLite file: a second host given it as `Storage:Path` plays another instance of the bot.</summary>
    public string DatabasePath => application.DatabasePath;

    public T Service<T>()
        where T : notnull => Factory.Services.GetRequiredService<T>();

    public async Task<HttpResponseMessage> PostActivityAsync(JsonObject activity, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = JsonContent.Create(activity) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await Factory.CreateClient().SendAsync(request);
    }

    public static JsonObject Message(string id, string text, string serviceUrl = FakeBotFramework.ServiceUrl, string tenantId = FakeBotFramework.TenantId) => new()
    {
        ["type"] = "message",
        ["id"] = id,
        ["text"] = text,
        ["serviceUrl"] = serviceUrl,
        ["channelId"] = "msteams",
        ["from"] = new JsonObject { ["id"] = "29:user-1", ["name"] = "Jane Smith", ["aadObjectId"] = "1234567d-1234-462a-8952-35b75f16f1e1" },
        ["recipient"] = new JsonObject { ["id"] = "28:" + FakeBotFramework.AppId, ["name"] = "ROI" },
        ["conversation"] = new JsonObject
        {
            ["isGroup"] = true,
            ["conversationType"] = "channel",
            ["tenantId"] = tenantId,
            ["id"] = "19:aebd0ad4d6ab42c8b9ed19c251c2fc37@thread.skype;messageid=" + id,
        },
        ["entities"] = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "mention",
                ["mentioned"] = new JsonObject { ["id"] = "28:" + FakeBotFramework.AppId, ["name"] = "ROI" },
                ["text"] = "<at>ROI</at>",
            },
        },
        ["channelData"] = new JsonObject
        {
            ["team"] = new JsonObject { ["id"] = "19:efa9296d959346209fea44151c742e73@thread.skype" },
            ["channel"] = new JsonObject { ["id"] = "19:aebd0ad4d6ab42c8b9ed19c251c2fc37@thread.skype" },
            ["tenant"] = new JsonObject { ["id"] = tenantId },
        },
    };

    public static JsonObject BotAdded(string id, string conversationId = "19:general@thread.tacv2") => new()
    {
        ["type"] = "conversationUpdate",
        ["id"] = id,
        ["serviceUrl"] = FakeBotFramework.ServiceUrl,
        ["channelId"] = "msteams",
        ["from"] = new JsonObject { ["id"] = "29:user-1", ["aadObjectId"] = "1234567d-1234-462a-8952-35b75f16f1e1" },
        ["recipient"] = new JsonObject { ["id"] = "28:" + FakeBotFramework.AppId, ["name"] = "ROI" },
        ["conversation"] = new JsonObject { ["isGroup"] = true, ["conversationType"] = "channel", ["tenantId"] = FakeBotFramework.TenantId, ["id"] = conversationId },
        ["membersAdded"] = new JsonArray { new JsonObject { ["id"] = "28:" + FakeBotFramework.AppId } },
        ["channelData"] = new JsonObject
        {
            ["team"] = new JsonObject { ["id"] = "19:team-1@thread.tacv2", ["name"] = "Finance" },
            ["channel"] = new JsonObject { ["id"] = conversationId },
            ["eventType"] = "teamMemberAdded",
            ["tenant"] = new JsonObject { ["id"] = FakeBotFramework.TenantId },
        },
    };

    public void Dispose()
    {
        Factory.Dispose();
        application.Dispose();
    }
}
