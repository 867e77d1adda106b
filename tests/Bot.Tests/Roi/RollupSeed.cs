using Bot.Data;
using Bot.Roi;
using Dapper;

namespace Bot.Tests.Roi;

/// <summary>Writes rollup rows directly, for tests of reading and reporting that don't exercise ingestion.</summary>
internal static class RollupSeed
{
    private const string UsageSql = """
        INSERT INTO usage_daily (feature, day, model, records, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, cost_nanos, unpriced_records)
        VALUES (@Feature, @Day, @Model, @Records, @Input, 0, 0, @Output, @CostNanos, @Unpriced)
        """;

    private const string FeatureSql = "INSERT INTO features (name, created_at) VALUES (@Feature, 0) ON CONFLICT (name) DO NOTHING";

    private const string CountSql = "INSERT INTO task_counts (feature, month, succeeded, failed, reported_at) VALUES (@Feature, @Month, @Succeeded, @Failed, 0)";

    public static async Task UsageAsync(BotApplication app, string feature, string day, decimal cost, string model = "gpt-4o-mini", long records = 1, long unpriced = 0, long input = 1000, long output = 100)
    {
        await using var connection = await app.Service<Database>().OpenAsync(default);
        await connection.ExecuteAsync(FeatureSql, new { Feature = feature });
        await connection.ExecuteAsync(UsageSql, new { Feature = feature, Day = day, Model = model, Records = records, Input = input, Output = output, CostNanos = Money.ToNanos(cost), Unpriced = unpriced });
    }

    public static async Task TasksAsync(BotApplication app, string feature, string month, long succeeded, long failed = 0)
    {
        await using var connection = await app.Service<Database>().OpenAsync(default);
        await connection.ExecuteAsync(FeatureSql, new { Feature = feature });
        await connection.ExecuteAsync(CountSql, new { Feature = feature, Month = month, Succeeded = succeeded, Failed = failed });
    }
}
