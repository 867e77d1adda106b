using System.Net.Http.Headers;
using System.Text;
using Bot.Slack;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Slack;

/// <summary>
/// The bot with Slack enabled, its Web API calls going to a <see cref="FakeSlack"/>, and a helper that signs
/// requests the way Slack does (bolt's scenario-test style).
/// </summary>
internal sealed class SlackTestApp : IDisposable
{
    public const string SigningSecret = "test-signing-secret";
    public const string BotToken = "xoxb-test-token";
    public const string AllowedTeam = "T0ALLOWED";
    public const string ResponseUrl = "https://hooks.slack.com/commands/T0ALLOWED/1/abc";

    private readonly BotApplication app;

    public SlackTestApp(IDictionary<string, string?>? extra = null, FakeSlack? slack = null)
    {
        Slack = slack ?? new FakeSlack();
        var settings = new Dictionary<string, string?>
        {
            ["Slack:Enabled"] = "true",
            ["Slack:BotToken"] = BotToken,
            ["Slack:SigningSecret"] = SigningSecret,
            ["Slack:AllowedTeamIds:0"] = AllowedTeam,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        app = new BotApplication(settings);
        Factory = app.WithWebHostBuilder(builder => builder
            .ConfigureLogging(logging => logging.AddProvider(Logs))
            .ConfigureServices(services => services.AddHttpClient<SlackApiClient>().ConfigurePrimaryHttpMessageHandler(() => Slack)));
        Client = Factory.CreateClient();
    }

    public FakeSlack Slack { get; }

    /// <summary>Every log line the host wrote, formatted, with its exception.</summary>
    public RecordingLogs Logs { get; } = new();

    public WebApplicationFactory<Program> Factory { get; }

    public HttpClient Client { get; }

    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Time => app.Time;

    /// <summary>This host's SQLite file: a second host given it as `Storage:Path` plays another instance of the bot.</summary>
    public string DatabasePath => app.DatabasePath;

    public T Service<T>()
        where T : notnull => Factory.Services.GetRequiredService<T>();

    public Task<HttpResponseMessage> PostSlashCommandAsync(string text, string team = AllowedTeam, string command = "/roi", string responseUrl = ResponseUrl) =>
        PostAsync(Form(new Dictionary<string, string>
        {
            ["token"] = "ignored",
            ["team_id"] = team,
            ["team_domain"] = "acme",
            ["channel_id"] = "C0CHANNEL",
            ["channel_name"] = "general",
            ["user_id"] = "U0ASKER",
            ["user_name"] = "ada",
            ["command"] = command,
            ["text"] = text,
            ["response_url"] = responseUrl,
            ["trigger_id"] = "1.2.3",
        }), "application/x-www-form-urlencoded");

    public Task<HttpResponseMessage> PostEventAsync(string eventJson, string eventId, int? retryNum = null, string team = AllowedTeam) =>
        PostAsync(EventEnvelope(eventJson, eventId, team), "application/json", retryNum);

    public static string EventEnvelope(string eventJson, string eventId, string team = AllowedTeam) =>
        $$"""{"token":"x","team_id":"{{team}}","api_app_id":"A1","event":{{eventJson}},"type":"event_callback","event_id":"{{eventId}}","event_time":1764756000}""";

    public static string Mention(string text, string ts = "1764756000.000100", string channel = "C0CHANNEL") =>
        $$"""{"type":"app_mention","user":"U0ASKER","text":"<@U0BOT> {{text}}","ts":"{{ts}}","channel":"{{channel}}","event_ts":"{{ts}}"}""";

    public static string DirectMessage(string text, string ts = "1764756000.000200", string extra = "") =>
        $$"""{"type":"message","channel_type":"im","user":"U0ASKER","text":"{{text}}","ts":"{{ts}}","channel":"D0DIRECT"{{extra}}}""";

    public Task<HttpResponseMessage> PostAsync(string body, string contentType, int? retryNum = null, string? secret = SigningSecret, DateTimeOffset? signedAt = null)
    {
        var timestamp = (signedAt ?? Time.GetUtcNow()).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, SlackEndpoints.EventsPath) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (secret is not null)
        {
            request.Headers.Add(SlackSignature.TimestampHeader, timestamp);
            request.Headers.Add(SlackSignature.SignatureHeader, SlackSignature.Compute(secret, timestamp, bytes));
        }

        if (retryNum is { } retry)
        {
            request.Headers.Add("X-Slack-Retry-Num", retry.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        }

        return Client.SendAsync(request);
    }

    public static string Form(IDictionary<string, string> fields) =>
        string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));

    public void Dispose()
    {
        Client.Dispose();
        Factory.Dispose();
        app.Dispose();
    }
}

internal sealed class RecordingLogs : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> lines = new();

    public IReadOnlyList<string> Lines => [.. lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
