using Bot.Data;
using Bot.Roi;
using Dapper;

namespace Bot.Tests.Roi;

public sealed class RoiReaderPlanTests
{
    // The rollups are clustered day first; keyed any other way, a period's read would scan every day ever stored.
    [Theory]
    [InlineData(RoiReader.UsageSql, "usage_daily USING PRIMARY KEY (day>? AND day<?)")]
    [InlineData(RoiReader.TasksSql, "tasks_daily USING PRIMARY KEY (day>? AND day<?)")]
    public async Task PeriodRead_QueryPlan_SearchesTheDaysOfThePeriod(string sql, string index)
    {
        using var app = new BotApplication();
        await using var connection = await app.Service<Database>().OpenAsync(CancellationToken.None);

        var plan = (await connection.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>(
            "EXPLAIN QUERY PLAN " + sql, new { FromDay = "2026-11-01", ToDay = "2026-12-01" })).Select(step => step.Detail).ToList();

        Assert.Contains(plan, detail => detail.StartsWith("SEARCH", StringComparison.Ordinal) && detail.Contains(index, StringComparison.Ordinal));
        Assert.DoesNotContain(plan, detail => detail.StartsWith("SCAN", StringComparison.Ordinal));
    }
}
