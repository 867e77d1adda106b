using System.Collections.Concurrent;
using Bot.Chat;
using Bot.Data;
using Bot.Digests;
using Bot.Roi;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Digests;

/// <summary>
/// Writes test data the way the bot holds it: baselines and overheads through <see cref="BaselineStore"/>, usage and
/// task totals as plain rows in the rollup tables of 001_initial.sql (the usage store fills them in production).
/// </summary>
internal sealed class DigestTestData(IServiceProvider services)
{
    public static readonly DateTimeOffset LongAgo = new(2026, 1, 2, 0, 0, 0, TimeSpan.Zero);

    public Task BaselineAsync(string feature, decimal minutes, decimal rate, string setBy = "alice", DateTimeOffset? effectiveFrom = null, DateTimeOffset? setAt = null) =>
        services.GetRequiredService<BaselineStore>().AddBaselineAsync(
            new Baseline(feature, minutes, rate, null, 0m, null, effectiveFrom ?? DateTimeOffset.UnixEpoch, setBy, setAt ?? LongAgo), CancellationToken.None);

    public Task OverheadAsync(string feature, decimal monthly) =>
        services.GetRequiredService<BaselineStore>().AddOverheadAsync(new Overhead(feature, monthly, DateTimeOffset.UnixEpoch, "alice", LongAgo), CancellationToken.None);

    /// <summary>A month's usage of one model, on the 15th.</summary>
    public Task UsageAsync(string feature, string month, string model, decimal cost, long input = 1000, long output = 100, long records = 100, long unpriced = 0) =>
        RollupSeed.UsageAsync(services, feature, month + "-15", cost, model, records, unpriced, input, output);

    public Task TasksAsync(string feature, string month, long succeeded, long failed = 0) =>
        RollupSeed.TasksAsync(services, feature, month, succeeded, failed);

    /// <summary>A month with the given tasks and one model's cost: the common case.</summary>
    public async Task MonthAsync(string feature, string month, long tasks, decimal cost, string model = "gpt-4o-mini", long failed = 0)
    {
        await TasksAsync(feature, month, tasks, failed);
        await UsageAsync(feature, month, model, cost);
    }

    public Task<Reply> DigestAsync(DigestKind kind, ReportingPeriod period) =>
        services.GetRequiredService<DigestComposer>().ComposeAsync(kind, period, CancellationToken.None);
}

/// <summary>A chat platform at the edge: records posts, and fails the first <see cref="FailuresLeft"/> of them.</summary>
internal sealed class RecordingSender(string platform = "test") : IChatSender
{
    private readonly TaskCompletionSource firstPost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int failuresLeft;
    private int tries;

    public string Platform => platform;

    public ConcurrentQueue<(string ConversationId, Reply Reply, string IdempotencyKey)> Posts { get; } = new();

    public int Tries => tries;

    public int FailuresLeft { get => failuresLeft; set => failuresLeft = value; }

    public Task SendAsync(string conversationId, Reply reply, string idempotencyKey, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref tries);
        if (Interlocked.Decrement(ref failuresLeft) >= 0)
        {
            throw new HttpRequestException("platform answered 503 Service Unavailable");
        }

        Posts.Enqueue((conversationId, reply, idempotencyKey));
        firstPost.TrySetResult();
        return Task.CompletedTask;
    }

    /// <summary>Waits for a post the scheduler makes on its own thread; fails the test rather than hanging.</summary>
    public Task WaitForFirstPostAsync() => firstPost.Task.WaitAsync(TimeSpan.FromSeconds(30));
}

internal static class DigestHosts
{
    /// <summary>Settings for a bot whose scheduler stays stopped, so a test drives delivery itself.</summary>
    public static Dictionary<string, string?> Settings(string zone = "UTC", bool scheduler = false, string? databasePath = null, int maxAttempts = 6)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Reporting:TimeZone"] = zone,
            ["Digests:SchedulerEnabled"] = scheduler ? "true" : "false",
            ["Digests:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (databasePath is not null)
        {
            settings["Storage:Path"] = databasePath;
        }

        return settings;
    }

    /// <summary>The same bot with one more chat sender registered.</summary>
    public static WebApplicationFactory<Program> WithSender(this BotApplication app, IChatSender sender) =>
        app.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddSingleton(sender)));

    public static Task<Reply> AskAsync(this IServiceProvider services, string text, string platform = "test", string conversation = "C1", string user = "alice") =>
        services.GetRequiredService<ChatDispatcher>().HandleAsync(new CommandContext(new ChatAddress(platform, conversation), user, user), text, CancellationToken.None);

    private const string DeliveriesSql = """
        SELECT d.period AS Period, d.status AS Status, d.attempts AS Attempts, d.last_error AS LastError, d.next_attempt_at AS NextAttemptAt
        FROM digest_deliveries d ORDER BY d.id
        """;

    public static async Task<IReadOnlyList<DeliveryRow>> DeliveriesAsync(this IServiceProvider services)
    {
        await using var connection = await services.GetRequiredService<Database>().OpenAsync(CancellationToken.None);
        return (await connection.QueryAsync<DeliveryRow>(DeliveriesSql)).ToList();
    }

    internal sealed record DeliveryRow(string Period, string Status, long Attempts, string? LastError, long NextAttemptAt);
}
