using Bot.Usage;
using Bot.Usage.Importers;
using static Bot.Tests.Usage.Importers.ImportTestFiles;

namespace Bot.Tests.Usage.Importers;

public sealed class GenericJsonlImporterTests
{
    private static async Task<List<ImportItem>> ReadAsync(Stream stream)
    {
        await using (stream)
        {
            return await ReadAllAsync(GenericJsonlImporter.ReadAsync(stream, CancellationToken.None));
        }
    }

    [Fact]
    public async Task ReadAsync_Fixture_SameNormalisationAsTheCsv()
    {
        var records = (await ReadAsync(OpenFixture("generic.jsonl"))).Records();

        Assert.Equal(2, records.Count);
        Assert.Equal(
            new UsageRecord(new DateTimeOffset(2026, 11, 3, 14, 5, 0, TimeSpan.Zero), "meeting-summary", "gpt-4o-2024-08-06", 7000, 4000, 1000, 800, null, "task-1", "rec-1"),
            records[0]);
        Assert.Equal(
            new UsageRecord(new DateTimeOffset(2026, 11, 4, 9, 0, 0, TimeSpan.Zero), "support-triage", "claude-haiku-4-5", 59200, 0, 0, 10646, 0.00002m, null, null),
            records[1]);
    }

    [Fact]
    public async Task ReadAsync_BadLines_NameLineAndFieldCountingBlankLines()
    {
        var text = string.Join('\n',
            """{"timestamp":"2026-11-03T14:05:00Z","feature":"a","model":"m","input_tokens":10.5,"output_tokens":1}""",
            string.Empty,
            """{"timestamp":"2026-11-03T14:05:00Z","feature":"a","model":"m","input_tokens":5,"output_tokens":1,"cachedtokens":2}""",
            """{"timestamp":"2026-11-03T14:05:00Z",""",
            """[1,2]""",
            """{"timestamp":"2026-11-03T14:05:00Z","feature":"a","model":{"name":"m"},"input_tokens":5,"output_tokens":1}""");

        var errors = (await ReadAsync(Text(text))).Errors().Select(error => (error.Line, error.Field)).ToList();

        Assert.Equal([(1L, "input_tokens"), (3L, "cachedtokens"), (4L, "json"), (5L, "json"), (6L, "model"), (6L, "model")], errors);
    }
}
