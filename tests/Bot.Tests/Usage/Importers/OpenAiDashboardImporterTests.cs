using Bot.Usage;
using Bot.Usage.Importers;
using static Bot.Tests.Usage.Importers.ImportTestFiles;

namespace Bot.Tests.Usage.Importers;

public sealed class OpenAiDashboardImporterTests
{
    private const string Header = "start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,model,batch,service_tier,input_tokens,output_tokens,input_cached_tokens,input_uncached_tokens";

    private static async Task<List<ImportItem>> ReadAsync(Stream stream, string feature = "meeting-summary")
    {
        await using (stream)
        {
            return await ReadAllAsync(OpenAiDashboardImporter.ReadAsync(stream, feature, CancellationToken.None));
        }
    }

    [Fact]
    public async Task ReadAsync_TabSeparatedExport_ReadsFloatsAsCountsAndSkipsBucketsWithoutUsage()
    {
        var items = await ReadAsync(OpenFixture("openai-dashboard.tsv"));
        var records = items.Records();

        Assert.Equal([2L, 3L, 5L], items.Select(item => item.Line));
        var first = records[0];
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), first.Timestamp);
        Assert.Equal(("meeting-summary", "gpt-4o-2024-08-06"), (first.Feature, first.Model));
        Assert.Equal((23600L, 6400L, 0L, 5200L, 12L), (first.InputTokens, first.CachedInputTokens, first.CacheWriteTokens, first.OutputTokens, first.Requests));
        Assert.Null(first.Cost);
        Assert.Null(first.TaskId);
        Assert.Equal((1500L, 0L, 900L, 3L), (records[1].InputTokens, records[1].CachedInputTokens, records[1].OutputTokens, records[1].Requests));
    }

    [Fact]
    public async Task ReadAsync_InputBeyondCachedAndUncached_CountsTheRestAsCacheWrites()
    {
        var record = (await ReadAsync(OpenFixture("openai-dashboard.tsv"))).Records()[2];

        // 41000 input = 39000 uncached + 1000 cached + 1000 written to the cache; none dropped, none counted twice.
        Assert.Equal((39000L, 1000L, 1000L), (record.InputTokens, record.CachedInputTokens, record.CacheWriteTokens));
    }

    [Fact]
    public async Task ReadAsync_RowsOfOneBucketPerApiKey_StayTwoRecordsWithStableDistinctIds()
    {
        var first = (await ReadAsync(OpenFixture("openai-dashboard.tsv"))).Records();
        var again = (await ReadAsync(OpenFixture("openai-dashboard.tsv"))).Records();

        Assert.Equal(first[0].Timestamp, first[1].Timestamp);
        Assert.NotEqual(first[0].RecordId, first[1].RecordId);
        Assert.Equal(first.Select(record => record.RecordId), again.Select(record => record.RecordId));
        Assert.StartsWith("openai-usage:", first[0].RecordId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_CommaSeparatedInAnotherColumnOrder_WithoutUncachedColumn_SubtractsCached()
    {
        var text = "model,input_cached_tokens,input_tokens,output_tokens,num_model_requests,start_time\n" +
                   "gpt-4o,400.0,1000.0,50.0,2.0,1793491200.0\n";

        var record = Assert.Single((await ReadAsync(Text(text))).Records());

        Assert.Equal((600L, 400L, 0L, 50L, 2L), (record.InputTokens, record.CachedInputTokens, record.CacheWriteTokens, record.OutputTokens, record.Requests));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), record.Timestamp);
    }

    [Fact]
    public async Task ReadAsync_ByteOrderMarkAndWindowsLineEnds_StillMatchesTheFirstColumn()
    {
        var text = "\uFEFFstart_time\tmodel\tinput_tokens\toutput_tokens\tnum_model_requests\r\n1793491200\tgpt-4o\t10\t2\t1\r\n";

        var record = Assert.Single((await ReadAsync(Text(text))).Records());

        Assert.Equal((new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), 10L, 2L), (record.Timestamp, record.InputTokens, record.OutputTokens));
    }

    [Fact]
    public async Task ReadAsync_ExportWithOnlyTimeColumns_IsZeroRecordsNotAnError()
    {
        var text = "start_time,end_time,start_time_iso,end_time_iso\n1793491200,1793577600,2026-11-01T00:00:00+00:00,2026-11-02T00:00:00+00:00\n";

        Assert.Empty(await ReadAsync(Text(text)));
    }

    [Fact]
    public async Task ReadAsync_MissingColumn_NamesIt()
    {
        var error = Assert.Single((await ReadAsync(Text("start_time,model,input_tokens,num_model_requests\n"))).Errors());

        Assert.Equal((1L, "output_tokens"), (error.Line, error.Field));
    }

    [Fact]
    public async Task ReadAsync_BadRows_ReportEachLineAndField()
    {
        var text = string.Join('\n', Header,
            "1793491200,1793577600,,,p,1.0,,,gpt-4o,FALSE,default,10.5,1.0,0.0,10.0",
            "1793491200,1793577600,,,p,1.0,,,,FALSE,default,10.0,1.0,0.0,10.0",
            "1793491200,1793577600,,,p,1.0,,,gpt-4o,FALSE,default,10.0,1.0,20.0,",
            "soon,1793577600,,,p,1.0,,,gpt-4o,FALSE,default,10.0,1.0,0.0,10.0");

        var errors = (await ReadAsync(Text(text))).Errors().Select(error => (error.Line, error.Field)).ToList();

        Assert.Equal([(2L, "input_tokens"), (3L, "model"), (4L, "input_cached_tokens"), (5L, "start_time")], errors);
    }
}
