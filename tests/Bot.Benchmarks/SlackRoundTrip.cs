using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Bot;
using Bot.Slack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

/// <summary>
/// Signed slash commands against the real bot on Kestrel (127.0.0.1): the ack's round trip, and the time until the
/// answer reaches the command's response_url (a local fake Slack that also serves the Web API).
///   dotnet run -c Release --project tests/Bot.Benchmarks -- slack [--requests 2000] [--concurrency 50] [--text help]
/// </summary>
internal static class SlackRoundTrip
{
    private const string Secret = "benchmark-signing-secret";
    private const string Team = "T0BENCH";
    private const double TargetP99Milliseconds = 50;

    public static async Task<int> RunAsync(string[] args)
    {
        var requests = Option(args, "--requests", 2000);
        var concurrency = Option(args, "--concurrency", 50);
        var text = args.SkipWhile(a => a != "--text").Skip(1).FirstOrDefault() ?? "help";

        var arrivals = new ConcurrentDictionary<int, long>();
        await using var fakeSlack = await StartFakeSlackAsync(arrivals);
        var slackUrl = fakeSlack.Urls.Single();

        var loadBefore = LoadAverage();
        var folder = Directory.CreateTempSubdirectory("roi-bot-bench-").FullName;
        await using var bot = BotHost.Build(
        [
            "--urls=http://127.0.0.1:0",
            $"--Storage:Path={Path.Combine(folder, "roi.db")}",
            "--Slack:Enabled=true",
            "--Slack:BotToken=xoxb-benchmark",
            $"--Slack:SigningSecret={Secret}",
            $"--Slack:AllowedTeamIds:0={Team}",
            $"--Slack:ApiBaseUrl={slackUrl}/api/",
            $"--Slack:ResponseUrlHosts:0={new Uri(slackUrl).Host}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await bot.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(bot.Urls.Single()) };

        // Warm-up: JIT, connection pool, SQLite pages.
        await RunBatchAsync(http, slackUrl, text, Enumerable.Range(-200, 200), concurrency, new ConcurrentDictionary<int, long>(), new ConcurrentDictionary<int, double>());

        var pauseBefore = GC.GetTotalPauseDuration();
        var gen0Before = GC.CollectionCount(0);
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var starts = new ConcurrentDictionary<int, long>();
        var acks = new ConcurrentDictionary<int, double>();
        var clock = Stopwatch.StartNew();
        await RunBatchAsync(http, slackUrl, text, Enumerable.Range(0, requests), concurrency, starts, acks);
        var elapsed = clock.Elapsed;

        var deadline = Stopwatch.StartNew();
        while (Enumerable.Range(0, requests).Any(i => !arrivals.ContainsKey(i)) && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50);
        }

        var pauses = GC.GetTotalPauseDuration() - pauseBefore;
        var gen0 = GC.CollectionCount(0) - gen0Before;
        var allocatedPerRequest = (GC.GetTotalAllocatedBytes() - allocatedBefore) / requests;
        var answered = Enumerable.Range(0, requests).Where(arrivals.ContainsKey).ToList();
        var answers = answered.Select(i => Stopwatch.GetElapsedTime(starts[i], arrivals[i]).TotalMilliseconds).ToList();

        Console.WriteLine($"slack: {requests} signed slash commands (`/roi {text}`), {concurrency} concurrent, {Environment.ProcessorCount} cores, {elapsed.TotalSeconds:F1} s ({requests / elapsed.TotalSeconds:F0}/s)");
        Console.WriteLine($"  ack (HTTP 200 from /slack/events)  {Summary(acks.Values.ToList())}");
        Console.WriteLine($"  answer at response_url             {Summary(answers)}  ({answered.Count}/{requests} answered)");
        Console.WriteLine($"  GC: {gen0} gen0 collections, {pauses.TotalMilliseconds:F0} ms paused, {allocatedPerRequest / 1024} KiB allocated per command (bot, client and fake Slack); load average before/after: {loadBefore}/{LoadAverage()}");
        var p99 = Percentile(acks.Values.ToList(), 0.99);
        var pass = p99 < TargetP99Milliseconds && answered.Count == requests;
        Console.WriteLine(pass ? $"  PASS: ack p99 {p99:F1} ms < {TargetP99Milliseconds} ms" : $"  FAIL: ack p99 {p99:F1} ms (target < {TargetP99Milliseconds} ms), answered {answered.Count}/{requests}");

        await bot.StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        return pass ? 0 : 1;
    }

    private static async Task RunBatchAsync(HttpClient http, string slackUrl, string text, IEnumerable<int> ids, int concurrency, ConcurrentDictionary<int, long> starts, ConcurrentDictionary<int, double> acks)
    {
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (id, cancellationToken) =>
        {
            var body = Encoding.UTF8.GetBytes(
                $"team_id={Team}&channel_id=C0BENCH&user_id=U0BENCH&user_name=bench&command=%2Froi&text={Uri.EscapeDataString(text)}"
                + $"&response_url={Uri.EscapeDataString($"{slackUrl}/respond/{id}")}&trigger_id=1.2.3");
            var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, SlackEndpoints.EventsPath) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
            request.Headers.Add(SlackSignature.TimestampHeader, timestamp);
            request.Headers.Add(SlackSignature.SignatureHeader, SlackSignature.Compute(Secret, timestamp, body));

            var start = Stopwatch.GetTimestamp();
            starts[id] = start;
            using var response = await http.SendAsync(request, cancellationToken);
            acks[id] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Request {id} answered HTTP {(int)response.StatusCode}");
            }
        });
    }

    /// <summary>Slack's side: response_url posts (timed) and `ok: true` for any Web API method.</summary>
    private static async Task<WebApplication> StartFakeSlackAsync(ConcurrentDictionary<int, long> arrivals)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var web = builder.Build();
        web.MapPost("/respond/{id:int}", (int id) =>
        {
            arrivals.TryAdd(id, Stopwatch.GetTimestamp());
            return Results.Text("ok");
        });
        web.MapPost("/api/{method}", () => Results.Text("""{"ok":true,"ts":"1.1"}""", "application/json"));
        await web.StartAsync();
        return web;
    }

    private static string Summary(List<double> milliseconds) => milliseconds.Count == 0
        ? "no samples"
        : $"p50 {Percentile(milliseconds, 0.50),6:F1} ms   p99 {Percentile(milliseconds, 0.99),6:F1} ms   max {milliseconds.Max(),6:F1} ms";

    private static double Percentile(List<double> values, double quantile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    /// <summary>Other processes share the cores; the 1-minute load average puts a run's numbers in context.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }
}
