using System.Diagnostics;
using Bot.Chat;
using Bot.Data;
using Bot.Roi;
using Bot.Usage;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Benchmarks;

/// <summary>
/// `roi` over many stored records: seeds N usage records for F features (3 models each, spread over 12 months)
/// through the real store, then times the whole `roi` command 200 times. Run once with N and once with 10×N.
/// `--reuse` times an existing database of a previous run (the file is kept in the temp folder) without seeding again.
/// </summary>
internal static class RoiQueryBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var records = Option(args, "--records", 1_000_000);
        var features = (int)Option(args, "--features", 100);
        var path = Path.Combine(Path.GetTempPath(), $"roi-bench-{records}.db");
        var reuse = args.Contains("--reuse") && File.Exists(path);
        foreach (var suffix in reuse ? [] : new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }

        await using var app = BotHost.Build([$"--Storage:Path={path}", "--Logging:LogLevel:Default=Warning"]);
        var seeding = Stopwatch.StartNew();
        if (!reuse)
        {
            await SeedAsync(app, records, features);
        }

        await using (var connection = await app.Services.GetRequiredService<Database>().OpenAsync(CancellationToken.None))
        {
            var stored = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM usage_records");
            var rollups = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM usage_daily");
            Console.WriteLine($"stored records: {stored:#,##0}; daily rollup rows: {rollups:#,##0}; {(reuse ? "reused" : $"seeding took {seeding.Elapsed.TotalSeconds:0.0} s")}");
        }

        var dispatcher = app.Services.GetRequiredService<ChatDispatcher>();
        var context = new CommandContext(new ChatAddress("local", "bench"), "bench", "bench");
        var first = await dispatcher.HandleAsync(context, "roi", CancellationToken.None);
        if (first.Tables.Count == 0 || first.Tables[0].Rows.Count != features)
        {
            Console.Error.WriteLine($"unexpected answer: {first.Title}");
            return 1;
        }

        var timings = new List<double>();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < 200; i++)
        {
            var watch = Stopwatch.StartNew();
            await dispatcher.HandleAsync(context, "roi", CancellationToken.None);
            timings.Add(watch.Elapsed.TotalMilliseconds);
        }

        // CPU per answer does not depend on how busy the shared machine is, unlike the wall-clock percentiles.
        var cpuPerRun = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / timings.Count;
        timings.Sort();
        Console.WriteLine($"roi over {features} features and {records:#,##0} records: p50 {timings[99]:0.0} ms, p99 {timings[197]:0.0} ms, max {timings[^1]:0.0} ms, CPU {cpuPerRun:0.0} ms per answer (200 runs); load average {File.ReadAllText("/proc/loadavg")[..14]}");
        return 0;
    }

    private static async Task SeedAsync(Microsoft.AspNetCore.Builder.WebApplication app, long records, int features)
    {
        var clock = app.Services.GetRequiredService<ReportingClock>();
        var store = app.Services.GetRequiredService<UsageStore>();
        var seeding = Stopwatch.StartNew();
        var random = new Random(42);
        var end = ReportingPeriod.MonthOf(clock.Today).StartUtc(clock.Zone);
        var span = TimeSpan.FromDays(365).Ticks;
        await using (var ingest = await store.BeginAsync("benchmark", CancellationToken.None))
        {
            for (long i = 0; i < records; i++)
            {
                var feature = $"feature-{i % features:000}";
                var at = end - TimeSpan.FromTicks((long)(random.NextDouble() * span));
                await ingest.AddAsync(
                    new UsageRecord(at, feature, $"model-{i % 3}", 1000, 200, 0, 100, 0.000123m, null, $"r{i}"),
                    CancellationToken.None);
                if (i % 1_000_000 == 999_999)
                {
                    Console.Error.WriteLine($"  seeded {i + 1:#,##0} records in {seeding.Elapsed.TotalSeconds:0} s");
                }
            }

            await ingest.CommitAsync(CancellationToken.None);
        }

        for (var f = 0; f < features; f++)
        {
            await app.Services.GetRequiredService<BaselineStore>().AddBaselineAsync(
                new Baseline($"feature-{f:000}", 5, 50, null, 0, null, DateTimeOffset.UnixEpoch, "bench", DateTimeOffset.UnixEpoch), CancellationToken.None);
        }
    }

    private static long Option(string[] args, string name, long fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? long.Parse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }
}
