using Bot.Chat;
using Bot.Roi;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Charts;

/// <summary>Three months of meeting-summary ending with the last complete month, and a baseline: enough for a chart.</summary>
internal static class ChartSeed
{
    public static async Task MeetingSummaryAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var month = services.GetRequiredService<ReportingClock>().LastCompleteMonth;
        foreach (var (tasks, cost) in new[] { (2_000L, 16m), (1_900L, 14m), (1_800L, 12m) })
        {
            var day = month.FirstDay.AddDays(9).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            await RollupSeed.UsageAsync(services, "meeting-summary", day, cost, model: "claude-3-5-haiku");
            await RollupSeed.TasksAsync(services, "meeting-summary", month.Label, tasks);
            month = month.Previous();
        }

        var reply = await services.GetRequiredService<ChatDispatcher>().HandleAsync(new CommandContext(new ChatAddress("local", "local"), "alice", "alice"), "roi baseline meeting-summary 20m @ $50/h", cancellationToken);
        Assert.False(reply.IsError, PlainTextRenderer.Render(reply));
    }
}
