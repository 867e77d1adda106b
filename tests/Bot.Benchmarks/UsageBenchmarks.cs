using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Bot;
using Bot.Usage;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// `usage-store [records] [--no-task-ids] [--no-record-ids]`: records straight into the usage store (one upload, one transaction);
/// by default every three records share a task id, so a third as many tasks are implied.
/// `usage-api [batches] [clients]`: POST /api/usage over real HTTP, 1,000 records per request, after 100 untimed warm-up requests.
/// Both use a fresh database file in the temp folder.
/// </summary>
internal static class UsageBenchmarks
{
    private static readonly string[] Features = Enumerable.Range(0, 100).Select(i => $"feature-{i:000}").ToArray();
    private static readonly string[] Models = ["gpt-4o-mini", "gpt-4o", "claude-3-haiku", "o3", "acme-unpriced"];

    public static async Task<int> StoreAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var withTasks = !args.Contains("--no-task-ids");
        var withIds = !args.Contains("--no-record-ids");
        var folder = Directory.CreateTempSubdirectory("roi-bench-").FullName;
        await using var app = BotHost.Build([$"--Storage:Path={Path.Combine(folder, "roi.db")}", "--Logging:LogLevel:Default=Warning"]);
        var store = app.Services.GetRequiredService<UsageStore>();
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var watch = Stopwatch.StartNew();
        await using (var ingest = await store.BeginAsync("bench.csv", CancellationToken.None))
        {
            for (var i = 0; i < count; i++)
            {
                var record = Record(start, i);
                record = withTasks ? record : record with { TaskId = null };
                await ingest.AddAsync(withIds ? record : record with { RecordId = null }, CancellationToken.None);
            }

            var result = await ingest.CommitAsync(CancellationToken.None);
            watch.Stop();
            Console.WriteLine($"usage-store: {result.Stored:#,##0} records stored in {watch.Elapsed.TotalSeconds:0.00} s ({result.Stored / watch.Elapsed.TotalSeconds:#,##0} records/s), CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:0.00} s, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MB (managed heap now {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576} MB, {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} collections)");
        }

        return 0;
    }

    public static async Task<int> ApiAsync(string[] args)
    {
        var batches = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        var clients = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
        var folder = Directory.CreateTempSubdirectory("roi-bench-").FullName;
        await using var app = BotHost.Build([$"--Storage:Path={Path.Combine(folder, "roi.db")}", "--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        var address = app.Urls.First();
        var key = (await app.Services.GetRequiredService<ApiKeyStore>().CreateAsync("bench", CancellationToken.None))!;
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        // Bodies are built before timing: the client's JSON writing is not the server's speed.
        const int warmUp = 100;
        var bodies = Enumerable.Range(0, batches + warmUp).Select(b => Ndjson(start, b * 1000, 1000)).ToArray();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        // A server runs for days: the first requests, which pay for JIT compilation, are not timed.
        for (var i = 0; i < warmUp; i++)
        {
            using var content = new ByteArrayContent(bodies[batches + i]);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
            (await http.PostAsync("/api/usage", content)).EnsureSuccessStatusCode();
        }

        var next = -1;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < batches)
            {
                using var content = new ByteArrayContent(bodies[index]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                using var response = await http.PostAsync("/api/usage", content);
                response.EnsureSuccessStatusCode();
            }
        }));
        watch.Stop();
        var records = batches * 1000;
        Console.WriteLine($"usage-api: {records:#,##0} records in {batches} requests of 1,000 from {clients} client(s): {watch.Elapsed.TotalSeconds:0.00} s, {records / watch.Elapsed.TotalSeconds:#,##0} records/s; CPU (server and client) {(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds:0.00} s");
        await app.StopAsync();
        return 0;
    }

    private static UsageRecord Record(DateTimeOffset start, int i) => new(
        start.AddSeconds(i * 7L),
        Features[i % Features.Length],
        Models[i % Models.Length],
        200 + (i % 1000),
        i % 3 == 0 ? 100 : 0,
        0,
        10 + (i % 50),
        null,
        $"task-{i / 3}",
        $"rec-{i}");

    private static byte[] Ndjson(DateTimeOffset start, int from, int count)
    {
        var text = new StringBuilder();
        for (var i = from; i < from + count; i++)
        {
            var r = Record(start, i);
            text.Append(CultureInfo.InvariantCulture, $"{{\"timestamp\":\"{r.Timestamp:yyyy-MM-ddTHH:mm:ssZ}\",\"feature\":\"{r.Feature}\",\"model\":\"{r.Model}\",\"input_tokens\":{r.InputTokens + r.CachedInputTokens},\"cached_input_tokens\":{r.CachedInputTokens},\"output_tokens\":{r.OutputTokens},\"task_id\":\"{r.TaskId}\",\"record_id\":\"{r.RecordId}\"}}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
