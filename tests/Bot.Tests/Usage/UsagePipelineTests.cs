using Bot.Usage;
using Microsoft.Data.Sqlite;
using static Bot.Tests.Usage.UsageTestKit;

namespace Bot.Tests.Usage;

/// <summary>Uploads of several batches, which a writer task stores while the caller prepares the next.</summary>
public sealed class UsagePipelineTests
{
    private const int Many = (UsageIngest.BatchSize * 2) + 100;

    [Fact]
    public async Task Ingest_ResentManyBatchesWithSomeNew_StoresOnlyTheNewAndSumsEachRecordOnce()
    {
        using var app = new BotApplication();
        var records = Enumerable.Range(0, Many).Select(i => Numbered(i)).ToArray();
        await IngestAsync(app, "tests", records);

        // The same upload again with three new records among the duplicates, in the first, middle and last batch.
        var resent = records.ToList();
        resent.Insert(10, Numbered(Many));
        resent.Insert(UsageIngest.BatchSize + 10, Numbered(Many + 1));
        resent.Add(Numbered(Many + 2));
        var again = await IngestAsync(app, "tests", [.. resent]);

        Assert.Equal(new IngestResult(Many + 3, 3, Many), again);
        var all = Enumerable.Range(0, Many + 3).Select(i => Numbered(i)).ToList();
        Assert.Equal(
            ((long)all.Count, all.Sum(r => r.InputTokens), all.Sum(r => r.OutputTokens), all.Sum(r => Bot.Roi.Money.ToNanos(r.Cost!.Value))),
            Rows<(long, long, long, long)>(app, "SELECT SUM(records), SUM(input_tokens), SUM(output_tokens), SUM(cost_nanos) FROM usage_daily").Single());
        Assert.Equal((long)all.Count, Scalar<long>(app, "SELECT COUNT(*) FROM usage_records"));
        Assert.Equal((long)all.Select(r => r.TaskId).Distinct().Count(), Scalar<long>(app, "SELECT SUM(succeeded) FROM tasks_daily"));
    }

    [Fact]
    public async Task Ingest_WriterFailsInAnEarlyBatch_TheFailureReachesTheCallerAndNothingIsStored()
    {
        using var app = new BotApplication();
        Execute(app, "CREATE TRIGGER poison BEFORE INSERT ON usage_records WHEN NEW.record_id = 'r-5' BEGIN SELECT RAISE(ABORT, 'poisoned record'); END");

        var failure = await Assert.ThrowsAsync<SqliteException>(async () =>
        {
            await using var ingest = await app.Service<UsageStore>().BeginAsync("tests", CancellationToken.None);
            for (var i = 0; i < UsageIngest.BatchSize * 6; i++)
            {
                await ingest.AddAsync(Numbered(i), CancellationToken.None);
            }

            await ingest.CommitAsync(CancellationToken.None);
        });

        Assert.Contains("poisoned record", failure.Message, StringComparison.Ordinal);
        foreach (var table in new[] { "usage_records", "usage_daily", "tasks", "tasks_daily", "features" })
        {
            Assert.Equal(0L, Scalar<long>(app, $"SELECT COUNT(*) FROM {table}"));
        }
    }

    [Fact]
    public async Task Ingest_ManyBatchesPastTheDailyCeiling_IsRefusedWholeAtCommit()
    {
        using var app = new BotApplication();
        await IngestAsync(app, "tests", Record(recordId: "first", cost: 1m));
        Execute(app, "UPDATE usage_daily SET cost_nanos = @Ceiling", new { Ceiling = UsageValidation.MaxDailyCostNanos - 1_000_000_000 });

        var refused = await Assert.ThrowsAsync<UsageRejectedException>(() => IngestAsync(app, "tests", [.. Enumerable.Range(0, Many).Select(i => Numbered(i))]));

        Assert.StartsWith("The records of support-triage with gpt-4o-mini on 2026-11-10 would cost $1,000,000,", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1L, Scalar<long>(app, "SELECT COUNT(*) FROM usage_records"));
        Assert.Equal(UsageValidation.MaxDailyCostNanos - 1_000_000_000, Scalar<long>(app, "SELECT cost_nanos FROM usage_daily"));
    }

    /// <summary>Record i: one call of task i / 3, all on one day, costs that differ from record to record.</summary>
    private static UsageRecord Numbered(int i) =>
        Record(recordId: $"r-{i}", taskId: $"task-{i / 3}", input: 100 + i, output: 10 + (i % 7), cost: 0.000001m * (i + 1));
}
