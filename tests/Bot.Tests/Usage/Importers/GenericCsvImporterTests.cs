using Bot.Usage;
using Bot.Usage.Importers;
using static Bot.Tests.Usage.Importers.ImportTestFiles;

namespace Bot.Tests.Usage.Importers;

public sealed class GenericCsvImporterTests
{
    private const string Header = "timestamp,feature,model,input_tokens,cached_input_tokens,cache_write_tokens,output_tokens,cost_usd,task_id,record_id";

    private static async Task<List<ImportItem>> ReadAsync(Stream stream)
    {
        await using (stream)
        {
            return await ReadAllAsync(GenericCsvImporter.ReadAsync(stream, CancellationToken.None));
        }
    }

    [Fact]
    public async Task ReadAsync_Fixture_NormalisesInputToUncachedOnly()
    {
        var records = (await ReadAsync(OpenFixture("generic.csv"))).Records();

        Assert.Equal(3, records.Count);
        Assert.Equal(
            new UsageRecord(new DateTimeOffset(2026, 11, 3, 14, 5, 0, TimeSpan.Zero), "meeting-summary", "gpt-4o-2024-08-06", 7000, 4000, 1000, 800, null, "task-1", "rec-1"),
            records[0]);
        Assert.Equal(
            new UsageRecord(new DateTimeOffset(2026, 11, 3, 14, 5, 0, TimeSpan.Zero), "meeting-summary", "gpt-4o-2024-08-06", 3000, 0, 0, 250, 0.0125m, "task-2", null),
            records[1]);
        Assert.Equal(
            new UsageRecord(new DateTimeOffset(2026, 11, 4, 9, 0, 0, TimeSpan.Zero), "support-triage", "claude-haiku-4-5", 59200, 0, 0, 10646, 0.00002m, "task,3", "rec-3"),
            records[2]);
        Assert.Equal(TimeSpan.Zero, records[1].Timestamp.Offset);
    }

    [Fact]
    public async Task ReadAsync_ColumnsInAnotherOrderAndOptionalOnesLeftOut_MatchesByName()
    {
        var record = Assert.Single((await ReadAsync(OpenFixture("generic-reordered.csv"))).Records());

        Assert.Equal(new UsageRecord(new DateTimeOffset(2026, 10, 31, 23, 30, 0, TimeSpan.Zero), "invoice-extraction", "gpt-5-mini", 900, 0, 0, 100, null, null, null), record);
    }

    [Fact]
    public async Task ReadAsync_RequestsColumn_CountsCallsAndDefaultsToOne()
    {
        var text = "timestamp,feature,model,input_tokens,output_tokens,requests\n" +
                   "2026-11-03T14:05:00Z,a,gpt-4o,100,10,7.0\n" +
                   "2026-11-03T14:05:00Z,a,gpt-4o,100,10,\n";

        var records = (await ReadAsync(Text(text))).Records();

        Assert.Equal([7L, 1L], records.Select(record => record.Requests));
    }

    [Fact]
    public async Task ReadAsync_MissingRequiredColumns_NamesEachOnLineOne()
    {
        var errors = (await ReadAsync(Text("timestamp,feature,input_tokens\n2026-11-03T14:05:00Z,a,1\n"))).Errors();

        Assert.Equal(["model", "output_tokens"], errors.Select(error => error.Field));
        Assert.All(errors, error => Assert.Equal(1, error.Line));
    }

    [Fact]
    public async Task ReadAsync_UnknownColumn_IsRefusedSoATypoIsNotReadAsZero()
    {
        var error = Assert.Single((await ReadAsync(Text("timestamp,feature,model,input_tokens,output_tokens,cachd_input_tokens\n"))).Errors());

        Assert.Equal(new UsageError(1, "cachd_input_tokens", error.Message), error);
    }

    [Fact]
    public async Task ReadAsync_BadLines_ReportsEveryErrorWithLineAndField()
    {
        var text = string.Join('\n', Header,
            "2026-11-03T14:05:00Z,meeting-summary,gpt-4o,100,,,10,,,",
            "2026-11-03T14:05:00Z,meeting-summary,gpt-4o,10.5,,,10,,,",
            "yesterday,meeting-summary,,100,,,-3,,,",
            "2026-11-03T14:05:00Z,meeting-summary,gpt-4o,100,80,30,10,,,",
            "2026-11-03T14:05:00Z,meeting summary!,gpt-4o,100,,,10,$1.00,,",
            "2026-11-03T14:05:00Z,meeting-summary,gpt-4o,100",
            "2026-11-03T14:05:00Z,meeting-summary,gpt-4o,100,,,10,,,") + "\n";

        var items = await ReadAsync(Text(text));
        var errors = items.Errors().Select(error => (error.Line, error.Field)).ToList();

        Assert.Equal(
            [
                (3L, "input_tokens"),
                (4L, "timestamp"), (4L, "model"), (4L, "output_tokens"),
                (5L, "input_tokens"),
                (6L, "feature"), (6L, "cost_usd"),
                (7L, "row"),
            ],
            errors);
        Assert.Equal(2, items.Count(item => item.Record is not null));
        Assert.Contains("whole number", items.Errors()[0].Message, StringComparison.Ordinal);
        Assert.Contains("80 + 30", items.Errors().Single(error => error.Line == 5).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_QuotedFieldSpanningLines_NumbersLaterLinesAsAnEditorDoes()
    {
        var text = Header + "\n" +
            "2026-11-03T14:05:00Z,meeting-summary,gpt-4o,100,,,10,,\"task\nwith newline\",\n" +
            "2026-11-03T14:05:00Z,meeting-summary,gpt-4o,100,,,x,,,\n";

        var error = Assert.Single((await ReadAsync(Text(text))).Errors());

        Assert.Equal(4, error.Line);
        Assert.Equal("output_tokens", error.Field);
    }

    [Fact]
    public async Task ReadAsync_WindowsLineEndsAndQuotedHeader_ReadLikeAnyOther()
    {
        var text = "\"timestamp\",\"feature\",\"model\",\"input_tokens\",\"output_tokens\"\r\n2026-11-03T14:05:00Z,a,gpt-4o,100,10\r\n2026-11-03T14:05:00Z,a,gpt-4o,x,10\r\n";

        var items = await ReadAsync(Text(text));

        Assert.Equal(100L, items[0].Record!.InputTokens);
        Assert.Equal(new UsageError(3, "input_tokens", "'x' is not a number"), Assert.Single(items.Errors()));
    }

    [Fact]
    public async Task ReadAsync_EmptyFile_SaysTheHeaderIsNeeded()
    {
        var error = Assert.Single((await ReadAsync(Text(string.Empty))).Errors());

        Assert.Equal(1, error.Line);
        Assert.Contains(Header, error.Message, StringComparison.Ordinal);
    }
}
