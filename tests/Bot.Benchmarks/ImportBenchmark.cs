using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Bot.Benchmarks;

/// <summary>
/// `import [--records N] [--runs R] [--no-task-ids] [--no-record-ids] [--keep]`: writes a generic CSV of N records
/// (every column filled: 100 features, 5 models, a year of timestamps, a record id each, and a task id per three
/// consecutive records of one feature),
/// then R times each: `sqlite3 .import --csv` into a plain table of a fresh file, and the bot's own `import` into a fresh
/// database. Both run as child processes under /usr/bin/time, so wall, CPU (user + sys) and peak RSS are measured
/// the same way. Prints each run, the best of each side, and the ratio of the best wall and CPU times.
/// </summary>
internal static class ImportBenchmark
{
    private static readonly string[] Models = ["gpt-4o-mini", "gpt-4o", "claude-3-haiku", "o3", "acme-unpriced"];

    public static async Task<int> RunAsync(string[] args)
    {
        var records = (int)Option(args, "--records", 1_000_000);
        var runs = (int)Option(args, "--runs", 2);
        var withTasks = !args.Contains("--no-task-ids");
        var withIds = !args.Contains("--no-record-ids");
        var folder = Directory.CreateTempSubdirectory("roi-import-bench-").FullName;
        try
        {
            var csv = Path.Combine(folder, "usage.csv");
            await WriteCsvAsync(csv, records, withTasks, withIds);
            Console.WriteLine($"{records:#,##0} records, {new FileInfo(csv).Length / 1_000_000} MB, {(withIds ? "record ids" : "no record ids")}, {(withTasks ? "task ids" : "no task ids")}; load average {LoadAverage()}");

            var bot = Path.Combine(AppContext.BaseDirectory, "Bot.dll");
            var sqlite = new List<Measured>();
            var ours = new List<Measured>();
            for (var run = 1; run <= runs; run++)
            {
                var plain = Path.Combine(folder, $"plain-{run}.db");
                sqlite.Add(await MeasureAsync("sqlite3", [plain, ".import --csv " + csv + " usage"]));
                Console.WriteLine($"  sqlite3 .import --csv     run {run}: {sqlite[^1]}");
                File.Delete(plain);

                var store = Path.Combine(folder, $"roi-{run}.db");
                ours.Add(await MeasureAsync("dotnet", [bot, "import", csv, $"--Storage:Path={store}", "--Logging:LogLevel:Default=Warning"]));
                Console.WriteLine($"  Bot import                run {run}: {ours[^1]}");
                foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
                {
                    File.Delete(store + suffix);
                }
            }

            var bestSqlite = new Measured(sqlite.Min(m => m.Wall), sqlite.Min(m => m.Cpu), sqlite.Max(m => m.PeakMegabytes));
            var bestOurs = new Measured(ours.Min(m => m.Wall), ours.Min(m => m.Cpu), ours.Max(m => m.PeakMegabytes));
            Console.WriteLine($"best sqlite3: {bestSqlite}");
            Console.WriteLine($"best import:  {bestOurs}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio (import / sqlite3): wall {bestOurs.Wall / bestSqlite.Wall:0.00}x, CPU {bestOurs.Cpu / bestSqlite.Cpu:0.00}x; load average {LoadAverage()}"));
            return 0;
        }
        finally
        {
            if (!args.Contains("--keep"))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static async Task WriteCsvAsync(string path, int records, bool withTasks, bool withIds)
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 16);
        await writer.WriteLineAsync("timestamp,feature,model,input_tokens,cached_input_tokens,cache_write_tokens,output_tokens,cost_usd,task_id,record_id");
        var line = new StringBuilder();
        for (var i = 0; i < records; i++)
        {
            line.Clear();
            var at = start.AddSeconds(i * 31L % (365L * 86_400));
            var input = 1_000 + (i % 977);
            line.Append(CultureInfo.InvariantCulture, $"{at:yyyy-MM-dd'T'HH:mm:ss'Z'},feature-{i / 3 % 100:000},{Models[i % Models.Length]},{input},{i % 300},{i % 7 * 10},{100 + (i % 311)},");
            line.Append(CultureInfo.InvariantCulture, $"0.{i % 100_000:000000},{(withTasks ? $"task-{i / 3}" : string.Empty)},{(withIds ? $"rec-{i}" : string.Empty)}");
            await writer.WriteLineAsync(line);
        }
    }

    private static async Task<Measured> MeasureAsync(string program, string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/time") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])["-f", "TIME %e %U %S %M", program, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var timeLine = error.Split('\n').LastOrDefault(l => l.StartsWith("TIME ", StringComparison.Ordinal));
        if (process.ExitCode != 0 || timeLine is null)
        {
            throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {await output}{error}");
        }

        var parts = timeLine.Split(' ');
        double At(int i) => double.Parse(parts[i], CultureInfo.InvariantCulture);
        return new Measured(At(1), At(2) + At(3), At(4) / 1024);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static long Option(string[] args, string name, long fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? long.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed record Measured(double Wall, double Cpu, double PeakMegabytes)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"wall {Wall:0.00} s, CPU {Cpu:0.00} s, peak RSS {PeakMegabytes:0} MB");
    }
}
