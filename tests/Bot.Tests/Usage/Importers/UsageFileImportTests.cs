using Bot.Usage;
using Bot.Usage.Importers;
using static Bot.Tests.Usage.Importers.ImportTestFiles;

namespace Bot.Tests.Usage.Importers;

public sealed class UsageFileImportTests
{
    [Theory]
    [InlineData("generic.csv", "csv")]
    [InlineData("generic-reordered.csv", "csv")]
    [InlineData("generic.jsonl", "jsonl")]
    [InlineData("openai-dashboard.tsv", "openai-dashboard")]
    [InlineData("openai-usage-page.json", "openai-usage-api")]
    [InlineData("openai-usage-pages.json", "openai-usage-api")]
    public async Task DetectAsync_Fixture_FindsItsFormatAndRewinds(string name, string expected)
    {
        await using var stream = OpenFixture(name);

        var (format, problem) = await ImportFormats.DetectAsync(stream, name, CancellationToken.None);

        Assert.Null(problem);
        Assert.Equal(expected, ImportFormats.NameOf(format));
        Assert.Equal(0, stream.Position);
    }

    [Fact]
    public async Task DetectAsync_SinglePageOnOneLineNamedJsonl_IsJsonlByItsName()
    {
        var (format, _) = await ImportFormats.DetectAsync(Text("""{"object":"page","data":[]}"""), "usage.jsonl", CancellationToken.None);

        Assert.Equal(ImportFormat.Jsonl, format);
    }

    [Fact]
    public async Task DetectAsync_UnknownHeader_AsksForFormat()
    {
        var (_, problem) = await ImportFormats.DetectAsync(Text("date,amount\n2026-11-01,3\n"), "bill.csv", CancellationToken.None);

        Assert.NotNull(problem);
        Assert.Contains("--format", problem, StringComparison.Ordinal);
        Assert.Contains("date,amount", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openai-dashboard.tsv")]
    [InlineData("openai-usage-page.json")]
    public async Task OpenAsync_OpenAiFileWithoutFeature_AsksForFeature(string name)
    {
        await using var stream = OpenFixture(name);

        var reading = await UsageFileImport.OpenAsync(stream, name, ImportFormat.Auto, feature: null, CancellationToken.None);

        Assert.NotNull(reading.Problem);
        Assert.Contains("--feature <name>", reading.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_FeatureGiven_IsNormalisedOntoEveryRecord()
    {
        await using var stream = OpenFixture("openai-usage-page.json");

        var reading = await UsageFileImport.OpenAsync(stream, "page.json", ImportFormat.Auto, " Meeting-Summary ", CancellationToken.None);

        Assert.Null(reading.Problem);
        Assert.Equal("meeting-summary", Assert.Single((await ReadAllAsync(reading.Items)).Records()).Feature);
    }

    [Fact]
    public async Task OpenAsync_FeatureForAFileThatNamesItsOwn_IsRefused()
    {
        await using var stream = OpenFixture("generic.csv");

        var reading = await UsageFileImport.OpenAsync(stream, "generic.csv", ImportFormat.Auto, "meeting-summary", CancellationToken.None);

        Assert.Contains("--feature is only for", reading.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_ForcedFormat_IsUsedWithoutDetection()
    {
        await using var stream = OpenFixture("generic.csv");

        var reading = await UsageFileImport.OpenAsync(stream, "generic.csv", ImportFormat.OpenAiDashboard, "meeting-summary", CancellationToken.None);
        var errors = (await ReadAllAsync(reading.Items)).Errors();

        Assert.Contains(errors, error => error.Field == "start_time" && error.Line == 1);
    }

    [Fact]
    public async Task CollectAsync_ErrorAfterGoodRecords_StopsPassingRecordsButCountsEveryError()
    {
        var text = "timestamp,feature,model,input_tokens,output_tokens\n" +
                   "2026-11-03T14:05:00Z,a,m,1,1\n" +
                   string.Concat(Enumerable.Repeat("bad,a,m,1,1\n", 150)) +
                   "2026-11-03T14:05:00Z,a,after-the-errors,1,1\n";
        var added = new List<UsageRecord>();

        var outcome = await UsageFileImport.CollectAsync(
            GenericCsvImporter.ReadAsync(Text(text), CancellationToken.None),
            validate: null,
            (record, _) =>
            {
                added.Add(record);
                return Task.CompletedTask;
            },
            onRecord: null,
            CancellationToken.None);

        Assert.True(outcome.Refused);
        Assert.Equal(150, outcome.ErrorCount);
        Assert.Equal(UsageFileImport.ShownErrors, outcome.Errors.Count);
        Assert.Equal(3, outcome.Errors[0].Line);
        Assert.DoesNotContain(added, record => record.Model == "after-the-errors");
    }

    [Fact]
    public async Task CollectAsync_ManyRecords_ReachTheStoreAllInFileOrder()
    {
        var text = "timestamp,feature,model,input_tokens,output_tokens\n" +
                   string.Concat(Enumerable.Range(0, 5000).Select(index => $"2026-11-03T14:05:00Z,a,m,{index},1\n"));
        var added = new List<long>();

        var outcome = await UsageFileImport.CollectAsync(
            GenericCsvImporter.ReadAsync(Text(text), CancellationToken.None),
            validate: null,
            (record, _) =>
            {
                added.Add(record.InputTokens);
                return Task.CompletedTask;
            },
            onRecord: null,
            CancellationToken.None);

        Assert.False(outcome.Refused);
        Assert.Equal(5000, outcome.Records);
        Assert.Equal(Enumerable.Range(0, 5000).Select(index => (long)index), added);
    }

    [Fact]
    public async Task CollectAsync_StoreFails_TheFailureReachesTheCaller()
    {
        var text = "timestamp,feature,model,input_tokens,output_tokens\n" +
                   string.Concat(Enumerable.Repeat("2026-11-03T14:05:00Z,a,m,1,1\n", 5000));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => UsageFileImport.CollectAsync(
            GenericCsvImporter.ReadAsync(Text(text), CancellationToken.None),
            validate: null,
            (_, _) => throw new InvalidOperationException("disk full"),
            onRecord: null,
            CancellationToken.None));

        Assert.Equal("disk full", failure.Message);
    }

    [Fact]
    public async Task CollectAsync_Validator_TurnsRecordsIntoErrors()
    {
        var outcome = await UsageFileImport.CollectAsync(
            GenericCsvImporter.ReadAsync(OpenFixture("generic.csv"), CancellationToken.None),
            (record, line) => record.Model.StartsWith("claude", StringComparison.Ordinal) ? [new UsageError(line, "model", "not allowed")] : [],
            addRecord: null,
            onRecord: null,
            CancellationToken.None);

        Assert.Equal([new UsageError(4, "model", "not allowed")], outcome.Errors);
    }
}
