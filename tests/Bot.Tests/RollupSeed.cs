using Bot.Data;
using Bot.Roi;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests;

/// <summary>
/// Writes rollup rows directly, for tests of reading, reporting, digests and charts that don't exercise ingestion
/// (the usage store fills these tables in production).
/// </summary>
internal static class RollupSeed
{
    private const string UsageSql = """
        INSERT INTO usage_daily (feature, day, model, records, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, cost_nanos, unpriced_records)
        VALUES (@Feature, @Day, @Model, @Records, @Input, 0, 0, @Output, @CostNanos, @Unpriced)
        """;

    private const string FeatureSql = "INSERT INTO features (name, created_at) VALUES (@Feature, 0) ON CONFLICT (name) DO NOTHING";

    private const string CountSql = "INSERT INTO task_counts (feature, month, succeeded, failed, reported_at) VALUES (@Feature, @Month, @Succeeded, @Failed, 0)";

    public static Task UsageAsync(BotApplication app, string feature, string day, decimal cost, string model = "gpt-4o-mini", long records = 1, long unpriced = 0, long input = 1000, long output = 100) =>
        UsageAsync(app.Services, feature, day, cost, model, records, unpriced, input, output);

    public static async Task UsageAsync(IServiceProvider services, string feature, string day, decimal cost, string model = "gpt-4o-mini", long records = 1, long unpriced = 0, long input = 1000, long output = 100)
    {
        await using var connection = await services.GetRequiredService<Database>().OpenAsync(default);
        await connection.ExecuteAsync(FeatureSql, new { Feature = feature });
        await connection.ExecuteAsync(UsageSql, new { Feature = feature, Day = day, Model = model, Records = records, Input = input, Output = output, CostNanos = Money.ToNanos(cost), Unpriced = unpriced });
    }

    public static Task TasksAsync(BotApplication app, string feature, string month, long succeeded, long failed = 0) =>
        TasksAsync(app.Services, feature, month, succeeded, failed);

    public static async Task TasksAsync(IServiceProvider services, string feature, string month, long succeeded, long failed = 0)
    {
        await using var connection = await services.GetRequiredService<Database>().OpenAsync(default);
        await connection.ExecuteAsync(FeatureSql, new { Feature = feature });
        await connection.ExecuteAsync(CountSql, new { Feature = feature, Month = month, Succeeded = succeeded, Failed = failed });
    }
}
