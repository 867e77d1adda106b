using Bot.Usage;
using static Bot.Tests.Usage.UsageTestKit;

namespace Bot.Tests.Usage;

/// <summary>
/// The rollup ceilings are checked at commit by one query over the days an upload touched: only the sums the upload
/// changed may refuse it.
/// </summary>
public sealed class CeilingCheckScopeTests
{
    // A daily sum of another feature already past the ceiling: "Rows stored before these limits are left as they are"
    // (README, Usage limits): it must not refuse an upload that does not add to it.
    [Fact]
    public async Task Ingest_AnotherFeaturesStoredSumIsPastTheCeiling_DoesNotRefuseThisUpload()
    {
        using var app = new BotApplication();
        Execute(app, """
            INSERT INTO features (name, created_at) VALUES ('legacy', 0);
            INSERT INTO usage_daily (day, feature, model, records, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, cost_nanos, unpriced_records)
            VALUES ('2026-11-11', 'legacy', 'gpt-4o', 1, 1, 0, 0, 1, 1500000000000000000, 0);
            """);

        // support-triage on the 10th and the 12th: nothing of 'legacy', nothing on the 11th.
        var result = await IngestAsync(
            app,
            "tests",
            Record(timestamp: "2026-11-10T12:00:00Z", recordId: "a", cost: 1m),
            Record(timestamp: "2026-11-12T12:00:00Z", recordId: "b", cost: 1m));

        Assert.Equal(new IngestResult(2, 2, 0), result);
    }

    // A sum that is not a whole number of nano-dollars (a REAL, from before the checks) is never added to.
    [Fact]
    public async Task Ingest_OntoAStoredSumThatIsNotAWholeNumber_IsRefusedAsBefore()
    {
        using var app = new BotApplication();
        await IngestAsync(app, "tests", Record(recordId: "first", cost: 1m));
        Execute(app, "UPDATE usage_daily SET cost_nanos = 1000000000.5");

        var refused = await Assert.ThrowsAsync<UsageRejectedException>(() => IngestAsync(app, "tests", Record(recordId: "second", cost: 1m)));
        Assert.Equal("The stored cost of support-triage with gpt-4o-mini on 2026-11-10 is not a whole number of nano-dollars, so nothing more is added to it; nothing was stored.", refused.Message);
        Assert.Equal("real", Scalar<string>(app, "SELECT typeof(cost_nanos) FROM usage_daily"));
        Assert.Equal(1L, Scalar<long>(app, "SELECT COUNT(*) FROM usage_records"));
    }

    // Two legacy sums of other features on the day the upload touches: one integer past the ceiling, one REAL (an
    // overflow from before the checks). The suspect query returns both; Dapper builds its reader from the first row's
    // column type (Int64) and then failed on the REAL: "Error parsing column 3 (CostNanos=1E+19 - Double)".
    [Fact]
    public async Task Ingest_DayHoldsLegacyIntegerAndRealSumsOfOtherFeatures_IsStored()
    {
        using var app = new BotApplication();
        Execute(app, """
            INSERT INTO features (name, created_at) VALUES ('aa-legacy', 0), ('zz-legacy', 0);
            INSERT INTO usage_daily (day, feature, model, records, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, cost_nanos, unpriced_records)
            VALUES ('2026-11-10', 'aa-legacy', 'gpt-4o', 1, 1, 0, 0, 1, 1500000000000000000, 0),
                   ('2026-11-10', 'zz-legacy', 'gpt-4o', 1, 1, 0, 0, 1, 1e19, 0);
            """);

        var result = await IngestAsync(app, "tests", Record(timestamp: "2026-11-10T12:00:00Z", recordId: "a", cost: 1m));

        Assert.Equal(new IngestResult(1, 1, 0), result);
    }

    // Same cause, on the refusal path: the upload's own sum is REAL, but an integer suspect sorts first, so the
    // plain "not a whole number of nano-dollars" refusal became a DataException.
    [Fact]
    public async Task Ingest_OntoARealSum_WhenAnIntegerSuspectSortsFirst_IsRefusedInPlainWords()
    {
        using var app = new BotApplication();
        await IngestAsync(app, "tests", Record(recordId: "first", cost: 1m));
        Execute(app, """
            UPDATE usage_daily SET cost_nanos = 1000000000.5;
            INSERT INTO features (name, created_at) VALUES ('aa-legacy', 0);
            INSERT INTO usage_daily (day, feature, model, records, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, cost_nanos, unpriced_records)
            VALUES ('2026-11-10', 'aa-legacy', 'gpt-4o', 1, 1, 0, 0, 1, 1500000000000000000, 0);
            """);

        var refused = await Assert.ThrowsAsync<UsageRejectedException>(() => IngestAsync(app, "tests", Record(recordId: "second", cost: 1m)));
        Assert.Equal("The stored cost of support-triage with gpt-4o-mini on 2026-11-10 is not a whole number of nano-dollars, so nothing more is added to it; nothing was stored.", refused.Message);
        Assert.Equal(1L, Scalar<long>(app, "SELECT COUNT(*) FROM usage_records"));
    }
}
