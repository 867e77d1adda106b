// Measured numbers for the README, not timed unit tests. Run in Release:
//   dotnet run -c Release --project tests/Bot.Benchmarks -- <benchmark> [options]
var benchmarks = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["slack"] = SlackRoundTrip.RunAsync,
    ["chart"] = Bot.Benchmarks.ChartBenchmark.RunAsync,
    ["usage-store"] = UsageBenchmarks.StoreAsync,
    ["usage-api"] = UsageBenchmarks.ApiAsync,
    ["roi"] = Bot.Benchmarks.RoiQueryBenchmark.RunAsync,
    ["import"] = Bot.Benchmarks.ImportBenchmark.RunAsync,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: Bot.Benchmarks <{string.Join('|', benchmarks.Keys)}> [options]");
    return 2;
}

return await run(args[1..]);
