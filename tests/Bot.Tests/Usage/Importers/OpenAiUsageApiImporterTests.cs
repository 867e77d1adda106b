using Bot.Usage;
using Bot.Usage.Importers;
using static Bot.Tests.Usage.Importers.ImportTestFiles;

namespace Bot.Tests.Usage.Importers;

public sealed class OpenAiUsageApiImporterTests
{
    private static async Task<List<ImportItem>> ReadAsync(Stream stream, string feature = "meeting-summary")
    {
        await using (stream)
        {
            return await ReadAllAsync(OpenAiUsageApiImporter.ReadAsync(stream, feature, CancellationToken.None));
        }
    }

    [Fact]
    public async Task ReadAsync_OfficialExample_SplitsInputIntoUncachedCachedAndCacheWrite()
    {
        var items = await ReadAsync(OpenFixture("openai-usage-page.json"));
        var record = Assert.Single(items.Records());

        // input_tokens 1000 includes 400 cached and 100 cache-write tokens: never add them again.
        Assert.Equal((500L, 400L, 100L, 500L, 5L), (record.InputTokens, record.CachedInputTokens, record.CacheWriteTokens, record.OutputTokens, record.Requests));
        Assert.Equal(new DateTimeOffset(2024, 11, 1, 0, 0, 0, TimeSpan.Zero), record.Timestamp);
        Assert.Equal(("meeting-summary", "gpt-4o-mini-2024-07-18"), (record.Feature, record.Model));
        Assert.Null(record.Cost);
        Assert.Equal(9, items[0].Line);
    }

    [Fact]
    public async Task ReadAsync_ArrayOfPages_ReadsEveryResultWhateverTheKeyOrder()
    {
        var records = (await ReadAsync(OpenFixture("openai-usage-pages.json"))).Records();

        Assert.Equal(3, records.Count);
        Assert.Equal((1859L, 1024L, 0L, 1795L, 4L), (records[0].InputTokens, records[0].CachedInputTokens, records[0].CacheWriteTokens, records[0].OutputTokens, records[0].Requests));
        Assert.Equal(700L, records[1].InputTokens);
        Assert.NotEqual(records[0].RecordId, records[1].RecordId);

        // The second page's bucket lists its results before its start_time.
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero), records[2].Timestamp);
        Assert.Equal("gpt-4.1", records[2].Model);
    }

    [Fact]
    public async Task ReadAsync_SameBucketAsTheDashboardExport_GetsTheSameRecordId()
    {
        const string page = """
            {"object":"page","data":[{"object":"bucket","start_time":1793491200,"end_time":1793577600,"results":[
            {"object":"organization.usage.completions.result","input_tokens":30000,"input_cached_tokens":6400,"input_uncached_tokens":23600,"output_tokens":5200,"num_model_requests":12,
             "project_id":"proj_TEST01","user_id":"user-TEST01","api_key_id":"key_TEST01","model":"gpt-4o-2024-08-06","batch":false,"service_tier":"default"}]}]}
            """;

        var fromApi = Assert.Single((await ReadAsync(Text(page))).Records());
        await using var export = OpenFixture("openai-dashboard.tsv");
        var fromExport = (await ReadAllAsync(OpenAiDashboardImporter.ReadAsync(export, "meeting-summary", CancellationToken.None))).Records()[0];

        Assert.Equal(fromExport, fromApi);
    }

    [Fact]
    public async Task ReadAsync_ConcatenatedPages_AreAllRead()
    {
        const string page = """{"object":"page","data":[{"start_time":1793491200,"results":[{"input_tokens":10,"output_tokens":1,"num_model_requests":1,"model":"gpt-4o"}]}]}""";

        var items = await ReadAsync(Text(page + "\n" + page + "\n"));

        Assert.Equal([1L, 2L], items.Select(item => item.Line));
        Assert.Equal(2, items.Records().Count);
    }

    [Fact]
    public async Task ReadAsync_BadResults_NameLineAndJsonPath()
    {
        const string text = """
            {"object":"page","data":[{"start_time":1793491200,"results":[
              {"input_tokens":10.5,"output_tokens":1,"num_model_requests":1,"model":"gpt-4o"},
              {"input_tokens":10,"output_tokens":1,"num_model_requests":1,"model":null},
              {"input_tokens":10,"input_cached_tokens":8,"input_cache_write_tokens":4,"output_tokens":1,"num_model_requests":1,"model":"gpt-4o"},
              {"object":"organization.usage.embeddings.result","input_tokens":10,"num_model_requests":1,"model":"text-embedding-3-small"}
            ]}]}
            """;

        var errors = (await ReadAsync(Text(text))).Errors().Select(error => (error.Line, error.Field)).ToList();

        Assert.Equal(
            [
                (2L, "data[0].results[0].input_tokens"),
                (3L, "data[0].results[1].model"),
                (4L, "data[0].results[2].input_tokens"),
                (5L, "data[0].results[3].object"),
                (5L, "data[0].results[3].output_tokens"),
            ],
            errors);
    }

    [Fact]
    public async Task ReadAsync_TruncatedFile_IsAJsonErrorNotAPartialImport()
    {
        var items = await ReadAsync(Text("{\"object\":\"page\",\"data\":[{\"start_time\":1793491200,\"results\":[\n{\"input_tokens\":10,"));

        var error = Assert.Single(items.Errors());
        Assert.Equal("json", error.Field);
        Assert.DoesNotContain(items, item => item.Record is not null);
    }

    [Fact]
    public async Task ReadAsync_ArrayOfSomethingElse_IsRefusedNotReadAsEmpty()
    {
        var error = Assert.Single((await ReadAsync(Text("[\n1,\n2]"))).Errors());

        Assert.Equal((2L, "json"), (error.Line, error.Field));
        Assert.Contains("not a page object", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_ObjectThatIsNotAPage_SaysSo()
    {
        var error = Assert.Single((await ReadAsync(Text("""{"object":"list","items":[]}"""))).Errors());

        Assert.Equal("data", error.Field);
    }

    [Fact]
    public async Task ReadAsync_PagesLargerThanTheReadBuffer_KeepLineNumbers()
    {
        var lines = new List<string> { """{"object":"page","data":[{"start_time":1793491200,"results":[""" };
        for (var index = 0; index < 3000; index++)
        {
            lines.Add($$"""  {"input_tokens":{{index}},"output_tokens":1,"num_model_requests":1,"model":"gpt-4o","api_key_id":"key_{{index}}"},""");
        }

        lines.Add("""  {"input_tokens":-1,"output_tokens":1,"num_model_requests":1,"model":"gpt-4o"}""");
        lines.Add("]}]}");

        var items = await ReadAsync(Text(string.Join('\n', lines)));

        Assert.Equal(3001, items.Count);
        Assert.Equal(2999L, items[2999].Record!.InputTokens);
        Assert.Equal(3001L, items[2999].Line);
        var error = Assert.Single(items.Errors());
        Assert.Equal(3002L, error.Line);
    }
}
