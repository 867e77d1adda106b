using Bot.Roi;
using Bot.Usage;
using static Bot.Tests.Usage.UsageTestKit;

namespace Bot.Tests.Usage;

public sealed class UsageStoreTests
{
    [Fact]
    public async Task Ingest_SeedRecordWithTask_CostPerTaskIsListPriceOfItsTokens()
    {
        using var app = new BotApplication();
        var result = await IngestAsync(app, "tests", Record(input: 200, output: 10, taskId: "ticket-1"));

        Assert.Equal(new IngestResult(1, 1, 0), result);
        Assert.Equal(36_000L, Scalar<long>(app, "SELECT cost_nanos FROM usage_records"));
        Assert.Equal("catalog", Scalar<string>(app, "SELECT cost_source FROM usage_records"));

        var data = await app.Service<RoiReader>().ReadAsync(ReportingPeriod.Month(2026, 11), TimeZoneInfo.Utc, CancellationToken.None);
        var row = data.Row("support-triage")!;
        Assert.Equal(0.000036m, row.Input.ApiCost);
        Assert.Equal(1, row.SucceededTasks);
        Assert.Equal(0.000036m, row.AiCostPerTask);
    }

    [Fact]
    public async Task Ingest_ProviderGivenCost_IsKeptInsteadOfCatalogPrice()
    {
        using var app = new BotApplication();
        await IngestAsync(app, "tests", Record(cost: 0.5m));

        Assert.Equal((500_000_000L, "given"), Rows<(long, string)>(app, "SELECT cost_nanos, cost_source FROM usage_records").Single());
    }

    [Fact]
    public async Task Ingest_UnknownModel_IsUnpricedWithTokensKept()
    {
        using var app = new BotApplication();
        await IngestAsync(app, "tests", Record(model: "acme-llm-7", input: 1234, output: 56));

        Assert.Null(Scalar<long?>(app, "SELECT cost_nanos FROM usage_records"));
        var daily = Rows<(long Records, long Input, long Output, long Cost, long Unpriced)>(app, "SELECT records, input_tokens, output_tokens, cost_nanos, unpriced_records FROM usage_daily").Single();
        Assert.Equal((1L, 1234L, 56L, 0L, 1L), daily);
    }

    [Fact]
    public async Task Ingest_ResentUploadWithRecordIds_IsStoredOnce()
    {
        using var app = new BotApplication();
        UsageRecord[] upload = [Record(recordId: "r1", input: 100), Record(recordId: "r2", input: 300)];

        var first = await IngestAsync(app, "file-a.csv", upload);
        var again = await IngestAsync(app, "another-name.csv", upload);

        Assert.Equal(new IngestResult(2, 2, 0), first);
        Assert.Equal(new IngestResult(2, 0, 2), again);
        Assert.Equal(2L, Scalar<long>(app, "SELECT COUNT(*) FROM usage_records"));
        Assert.Equal((2L, 400L), Rows<(long, long)>(app, "SELECT records, input_tokens FROM usage_daily").Single());
    }

    [Fact]
    public async Task Ingest_SameProviderIdDifferentContent_BothKept()
    {
        using var app = new BotApplication();
        var result = await IngestAsync(app, "tests", Record(recordId: "chatcmpl-1", input: 100), Record(recordId: "chatcmpl-1", input: 999));

        Assert.Equal(new IngestResult(2, 2, 0), result);
    }

    [Fact]
    public async Task Ingest_IdenticalLinesWithoutIds_BothKeptAndResendStoresNothing()
    {
        using var app = new BotApplication();
        UsageRecord[] upload = [Record(), Record(), Record(input: 7)];

        var first = await IngestAsync(app, "export.csv", upload);
        var again = await IngestAsync(app, "export.csv", upload);
        var otherSource = await IngestAsync(app, "other.csv", Record());

        Assert.Equal(new IngestResult(3, 3, 0), first);
        Assert.Equal(new IngestResult(3, 0, 3), again);
        Assert.Equal(new IngestResult(1, 1, 0), otherSource);
        Assert.Equal(4L, Scalar<long>(app, "SELECT records FROM usage_daily"));
    }

    [Fact]
    public async Task Ingest_DisposedWithoutCommit_LeavesNothing()
    {
        using var app = new BotApplication();
        await using (var ingest = await app.Service<UsageStore>().BeginAsync("tests", CancellationToken.None))
        {
            for (var i = 0; i < UsageIngest.BatchSize + 10; i++)
            {
                await ingest.AddAsync(Record(recordId: $"r{i}", taskId: $"t{i}"), CancellationToken.None);
            }

            // An importer found a bad line here and refuses the whole upload.
        }

        foreach (var table in new[] { "usage_records", "usage_daily", "tasks", "tasks_daily", "features" })
        {
            Assert.Equal(0L, Scalar<long>(app, $"SELECT COUNT(*) FROM {table}"));
        }
    }

    [Fact]
    public async Task Add_InvalidRecord_Throws()
    {
        using var app = new BotApplication();
        await using var ingest = await app.Service<UsageStore>().BeginAsync("tests", CancellationToken.None);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ingest.AddAsync(Record(output: -1), CancellationToken.None));
        Assert.Contains("output_tokens", error.Message);
    }

    [Fact]
    public async Task Ingest_FeatureInAnyCase_StoredInNormalFormAndRegistered()
    {
        using var app = new BotApplication();
        await IngestAsync(app, "tests", Record(feature: " Support-Triage "), Record(feature: "support-triage"));

        Assert.Equal(["support-triage"], Rows<string>(app, "SELECT DISTINCT feature FROM usage_records"));
        Assert.Equal(["support-triage"], Rows<string>(app, "SELECT name FROM features"));
    }

    [Fact]
    public async Task Ingest_RecordsWithTaskIds_ImplyOneSucceededTaskEach()
    {
        using var app = new BotApplication();
        await IngestAsync(app, "tests", Record(taskId: "a"), Record(taskId: "a", input: 5), Record(taskId: "b"), Record());
        await IngestAsync(app, "tests", Record(taskId: "a", input: 6));

        Assert.Equal(2L, Scalar<long>(app, "SELECT COUNT(*) FROM tasks WHERE origin = 'usage' AND succeeded = 1"));
        Assert.Equal((2L, 0L), Rows<(long, long)>(app, "SELECT succeeded, failed FROM tasks_daily").Single());
    }

    [Fact]
    public async Task Ingest_Timestamps_StoredAsUtcMillis()
    {
        using var app = new BotApplication();
        await IngestAsync(app, "tests", Record(timestamp: "2026-11-10T13:00:00.123+01:00"));

        var stored = Scalar<long>(app, "SELECT occurred_at FROM usage_records");
        Assert.Equal(new DateTimeOffset(2026, 11, 10, 12, 0, 0, 123, TimeSpan.Zero), DateTimeOffset.FromUnixTimeMilliseconds(stored));
    }

    [Theory]
    [InlineData("UTC", "2025-01-31", 2025, 1)]
    [InlineData("Asia/Shanghai", "2025-02-01", 2025, 2)]
    public async Task Ingest_LateOnJanuary31Utc_LandsInTheReportingZonesDay(string zone, string day, int year, int month)
    {
        using var app = new BotApplication(new Dictionary<string, string?> { ["Reporting:TimeZone"] = zone });
        await IngestAsync(app, "tests", Record(timestamp: "2025-01-31T23:30:00Z", taskId: "t1"));

        Assert.Equal(day, Scalar<string>(app, "SELECT day FROM usage_daily"));
        Assert.Equal(day, Scalar<string>(app, "SELECT day FROM tasks_daily"));
        var clock = app.Service<ReportingClock>();
        var data = await app.Service<RoiReader>().ReadAsync(ReportingPeriod.Month(year, month), clock.Zone, CancellationToken.None);
        Assert.Equal(1, data.Row("support-triage")!.SucceededTasks);
        Assert.Equal(0.000036m, data.Row("support-triage")!.Input.ApiCost);
    }

    [Fact]
    public async Task Startup_ReportingZoneChanged_RebuildsRollupsFromRawRows()
    {
        var path = await DatabaseFileAsync(async utc =>
        {
            await IngestAsync(utc, "tests", Record(timestamp: "2025-01-31T23:30:00Z", taskId: "t1"), Record(timestamp: "2025-01-15T10:00:00Z"));
            Assert.Equal(["2025-01-15", "2025-01-31"], Rows<string>(utc, "SELECT day FROM usage_daily ORDER BY day"));
        });

        using var shanghai = new BotApplication(new Dictionary<string, string?> { ["Storage:Path"] = path, ["Reporting:TimeZone"] = "Asia/Shanghai" });
        Assert.Equal(["2025-01-15", "2025-02-01"], Rows<string>(shanghai, "SELECT day FROM usage_daily ORDER BY day"));
        Assert.Equal("2025-02-01", Scalar<string>(shanghai, "SELECT day FROM tasks_daily"));
        Assert.Equal(72_000L, Scalar<long>(shanghai, "SELECT SUM(cost_nanos) FROM usage_daily"));
        Assert.Equal("Asia/Shanghai", Scalar<string>(shanghai, "SELECT value FROM settings WHERE key = 'rollup_time_zone'"));
    }

    [Fact]
    public async Task Verb_GivenAnotherZoneThanTheRollups_RefusesToRebuildThemUnderARunningBot()
    {
        var path = await DatabaseFileAsync(utc => IngestAsync(utc, "tests", Record(timestamp: "2025-01-31T23:30:00Z", recordId: "a")));

        var refused = await Assert.ThrowsAsync<StartupException>(() => Bot.Cli.BotCommandLine.Create()
            .Parse(["ask", "roi", $"--Storage:Path={path}", "--Reporting:TimeZone=Asia/Shanghai"])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false }));

        Assert.StartsWith("The daily rollups are for Reporting:TimeZone UTC, and this command was given Asia/Shanghai.", refused.Message, StringComparison.Ordinal);
        using var again = new BotApplication(new Dictionary<string, string?> { ["Storage:Path"] = path });
        Assert.Equal("2025-01-31", Scalar<string>(again, "SELECT day FROM usage_daily"));
    }

    [Fact]
    public async Task Startup_ZoneChangeWouldPushADayPastTheCeiling_RefusesInPlainWordsAndChangesNothing()
    {
        var path = await DatabaseFileAsync(async utc =>
        {
            // $600M on each of two UTC days; both fall on 2026-10-02 in Karachi (UTC+5): $1.2 billion, past the ceiling.
            await IngestAsync(utc, "tests", Record(timestamp: "2026-10-01T22:00:00Z", cost: 1m, recordId: "a"), Record(timestamp: "2026-10-02T01:00:00Z", cost: 1m, recordId: "b"));
            Execute(utc, "UPDATE usage_records SET cost_nanos = 600000000000000000; UPDATE usage_daily SET cost_nanos = 600000000000000000");
        });

        var refused = await Assert.ThrowsAsync<StartupException>(() => RealHost.StartAndStopAsync($"--Storage:Path={path}", "--Reporting:TimeZone=Asia/Karachi"));

        Assert.StartsWith("The daily rollups cannot be rebuilt for Reporting:TimeZone Asia/Karachi (they are for UTC): The records of support-triage with gpt-4o-mini on 2026-10-02 would cost $1,200,000,000.00 that day", refused.Message, StringComparison.Ordinal);
        Assert.EndsWith("Set Reporting:TimeZone back to UTC, or check those records.", refused.Message, StringComparison.Ordinal);
        using var again = new BotApplication(new Dictionary<string, string?> { ["Storage:Path"] = path });
        Assert.Equal(["2026-10-01", "2026-10-02"], Rows<string>(again, "SELECT day FROM usage_daily ORDER BY day"));
    }

    [Fact]
    public async Task Startup_WhileAnotherProcessHoldsTheWriteLock_AnswersWithoutWaitingForIt()
    {
        var path = await DatabaseFileAsync(first => IngestAsync(first, "tests", Record(recordId: "a")));

        // An import in another process holds the write lock for as long as it runs.
        using var import = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
        import.Open();
        using var holding = import.BeginTransaction();
        Dapper.SqlMapper.Execute(import, "INSERT INTO settings (key, value) VALUES ('held', 'by import')", transaction: holding);

        // Starting waited for the lock (60 s, then "database is locked") before the fix; a generous bound, not a speed target.
        var asking = Task.Run(async () =>
        {
            using var asker = new BotApplication(new Dictionary<string, string?> { ["Storage:Path"] = path });
            return await asker.Service<Bot.Chat.ChatDispatcher>().HandleAsync(new Bot.Chat.CommandContext(new Bot.Chat.ChatAddress("local", "t"), "u", "u"), "roi features", CancellationToken.None);
        });
        var reply = await asking.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(reply.IsError);
        Assert.Contains("support-triage", Bot.Chat.PlainTextRenderer.Render(reply), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_WhileReaderAsksInALoop_NeitherFailsWithDatabaseLocked()
    {
        using var app = new BotApplication();
        var reader = app.Service<RoiReader>();
        using var stop = new CancellationTokenSource();
        var reads = 0;
        var reading = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await reader.ReadAsync(ReportingPeriod.Month(2026, 11), TimeZoneInfo.Utc, CancellationToken.None);
                reads++;
            }
        });

        // Several uploads, some overlapping each other, while the reader keeps asking.
        var uploads = Enumerable.Range(0, 4).Select(u => Task.Run(async () =>
        {
            var records = Enumerable.Range(0, 5_000).Select(i => Record(recordId: $"u{u}-{i}", taskId: $"t{u}-{i % 100}")).ToArray();
            return await IngestAsync(app, $"upload-{u}", records);
        })).ToList();
        var results = await Task.WhenAll(uploads);
        stop.Cancel();
        await reading;

        Assert.All(results, r => Assert.Equal(5_000, r.Stored));
        Assert.True(reads > 0);
        Assert.Equal(20_000L, Scalar<long>(app, "SELECT SUM(records) FROM usage_daily"));
        Assert.Equal(400L, Scalar<long>(app, "SELECT SUM(succeeded) FROM tasks_daily"));
    }

    /// <summary>A database file left by a bot in UTC that <paramref name="fill"/> used, for tests that start another on it.</summary>
    private static async Task<string> DatabaseFileAsync(Func<BotApplication, Task> fill)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("roi-store-").FullName, "roi.db");
        using var app = new BotApplication(new Dictionary<string, string?> { ["Storage:Path"] = path });
        await fill(app);
        return path;
    }
}
