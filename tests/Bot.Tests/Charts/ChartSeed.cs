using Bot.Chat;
using Bot.Data;
using Bot.Roi;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Charts;

/// <summary>Three months of meeting-summary ending with the last complete month, and a baseline: enough for a chart.</summary>
internal static class ChartSeed
{
    private const string FeatureSql = "INSERT INTO features (name, created_at) VALUES (@Feature, 0) ON CONFLICT (name) DO NOTHING";

    private const string UsageSql = """
        INSERT INTO usage_daily (feature, day, model, records, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, cost_nanos, unpriced_records)
        VALUES (@Feature, @Day, 'claude-3-5-haiku', 1, 1000, 0, 0, 100, @CostNanos, 0)
        """;

    private const string TasksSql = "INSERT INTO task_counts (feature, month, succeeded, failed, reported_at) VALUES (@Feature, @Month, @Succeeded, 0, 0)";

    public static async Task MeetingSummaryAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var month = services.GetRequiredService<ReportingClock>().LastCompleteMonth;
        await using (var connection = await services.GetRequiredService<Database>().OpenAsync(cancellationToken))
        {
            await connection.ExecuteAsync(FeatureSql, new { Feature = "meeting-summary" });
            foreach (var (tasks, cost) in new[] { (2_000L, 16m), (1_900L, 14m), (1_800L, 12m) })
            {
                var day = month.FirstDay.AddDays(9).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                await connection.ExecuteAsync(UsageSql, new { Feature = "meeting-summary", Day = day, CostNanos = Money.ToNanos(cost) });
                await connection.ExecuteAsync(TasksSql, new { Feature = "meeting-summary", Month = month.Label, Succeeded = tasks });
                month = month.Previous();
            }
        }

        var reply = await services.GetRequiredService<ChatDispatcher>().HandleAsync(new CommandContext(new ChatAddress("local", "local"), "alice", "alice"), "roi baseline meeting-summary 20m @ $50/h", cancellationToken);
        Assert.False(reply.IsError, PlainTextRenderer.Render(reply));
    }
}
