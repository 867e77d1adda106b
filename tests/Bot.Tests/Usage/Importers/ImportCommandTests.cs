using System.CommandLine;
using Bot.Cli;
using Bot.Usage.Importers;
using Dapper;
using Microsoft.Data.Sqlite;
using static Bot.Tests.Usage.Importers.ImportTestFiles;

namespace Bot.Tests.Usage.Importers;

/// <summary>The `import` verb in-process, through the real host and store on a temporary SQLite file.</summary>
public sealed class ImportCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("roi-bot-import-").FullName;

    private string DatabasePath => Path.Combine(folder, "roi.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    private async Task<(int ExitCode, string Output, string Error)> ImportAsync(params string[] arguments)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await BotCommandLine.Create()
            .Parse(["import", .. arguments, $"--Storage:Path={DatabasePath}"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    [Fact]
    public async Task Import_GenericCsvTwice_StoresNormalisedRecordsOnce()
    {
        var first = await ImportAsync(Fixture("generic.csv"));
        var second = await ImportAsync(Fixture("generic.csv"));

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("Imported 3 records (0 duplicates skipped) from ", first.Output, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("Imported 0 records (3 duplicates skipped)", second.Output, StringComparison.Ordinal);
        Assert.Equal(3, await ScalarAsync("SELECT COUNT(*) FROM usage_records"));
        Assert.Equal(7000 + 3000 + 59200, await ScalarAsync("SELECT SUM(input_tokens) FROM usage_records"));
        Assert.Equal(4000, await ScalarAsync("SELECT SUM(cached_input_tokens) FROM usage_records"));
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM usage_records WHERE source = 'csv:generic.csv' AND record_id IS NULL"));
    }

    [Fact]
    public async Task Import_FeatureNamedForTheFirstTime_IsNamedWithTheKnownFeatureItMayBeATypoOf()
    {
        const string Header = "timestamp,feature,model,input_tokens,output_tokens\n";
        await ImportAsync(WriteFile("known.csv", Header + "2026-11-05T10:00:00Z,ticket-routing,gpt-4o-mini,100,10\n"));

        var typo = await ImportAsync(WriteFile("typo.csv", Header + "2026-11-06T10:00:00Z,tickte-routing,gpt-4o-mini,100,10\n2026-11-06T11:00:00Z,ticket-routing,gpt-4o-mini,100,10\n"));
        var again = await ImportAsync(WriteFile("again.csv", Header + "2026-11-07T10:00:00Z,tickte-routing,gpt-4o-mini,100,10\n"));

        Assert.Contains("New feature: tickte-routing (did you mean ticket-routing?). Each needs a baseline", typo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("New feature", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_FileWithABadLineAfterGoodOnes_StoresNothingAndListsEveryError()
    {
        var path = WriteFile("usage.csv", string.Join('\n',
            "timestamp,feature,model,input_tokens,output_tokens",
            "2026-11-03T14:05:00Z,meeting-summary,gpt-4o,100,10",
            "2026-11-03T14:05:00Z,meeting-summary,gpt-4o,10.5,10",
            "2026-11-03T14:05:00Z,meeting-summary,gpt-4o,100,-1",
            "1999-12-31T23:00:00Z,meeting-summary,gpt-4o,100,10") + "\n");

        var (exitCode, output, error) = await ImportAsync(path);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains("Refused " + path + ": 3 errors, nothing stored.", error, StringComparison.Ordinal);
        Assert.Contains("line 3, input_tokens:", error, StringComparison.Ordinal);
        Assert.Contains("line 4, output_tokens:", error, StringComparison.Ordinal);
        Assert.Contains("line 5, timestamp:", error, StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM usage_records"));
        Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM usage_daily"));
    }

    [Fact]
    public async Task Import_OpenAiExportWithoutFeature_ExplainsTheOption()
    {
        var (exitCode, _, error) = await ImportAsync(Fixture("openai-dashboard.tsv"));

        Assert.Equal(2, exitCode);
        Assert.Contains("--feature <name>", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_UsageApiPageAfterTheDashboardExportOfTheSameBucket_IsADuplicate()
    {
        var page = WriteFile("page.json", """
            {"object":"page","data":[{"object":"bucket","start_time":1793491200,"end_time":1793577600,"results":[
            {"object":"organization.usage.completions.result","input_tokens":30000,"input_cached_tokens":6400,"input_uncached_tokens":23600,"output_tokens":5200,"num_model_requests":12,
             "project_id":"proj_TEST01","user_id":"user-TEST01","api_key_id":"key_TEST01","model":"gpt-4o-2024-08-06","batch":false,"service_tier":"default"}]}]}
            """);

        var export = await ImportAsync(Fixture("openai-dashboard.tsv"), "--feature", "meeting-summary");
        var api = await ImportAsync(page, "--feature", "meeting-summary");

        Assert.Contains("Imported 3 records (0 duplicates skipped)", export.Output, StringComparison.Ordinal);
        Assert.Contains("Imported 0 records (1 duplicate skipped)", api.Output, StringComparison.Ordinal);
        Assert.Equal(23600 + 1500 + 39000, await ScalarAsync("SELECT SUM(input_tokens) FROM usage_records"));
        Assert.Equal(1000, await ScalarAsync("SELECT SUM(cache_write_tokens) FROM usage_records"));
        Assert.Equal(22, await ScalarAsync("SELECT SUM(requests) FROM usage_records WHERE feature = 'meeting-summary'"));
    }

    [Fact]
    public async Task Import_Check_ReadsEverythingAndStoresNothing()
    {
        var (exitCode, output, _) = await ImportAsync(Fixture("generic.jsonl"), "--check");

        Assert.Equal(0, exitCode);
        Assert.Contains("Checked 2 records", output, StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM usage_records"));
    }

    [Fact]
    public async Task Import_UnknownFormat_ListsTheFormats()
    {
        var (exitCode, _, error) = await ImportAsync(Fixture("generic.csv"), "--format", "excel");

        Assert.Equal(2, exitCode);
        Assert.Contains("openai-usage-api", error, StringComparison.Ordinal);
    }

    private const string Header = "timestamp,feature,model,input_tokens,output_tokens";

    [Fact]
    public async Task Import_CsvLineLongerThanCap_RefusedNamingTheLineWithoutStackTrace()
    {
        var path = WriteFile("long.csv", $"{Header}\n2026-11-03T14:05:00Z,support-triage,gpt-4o-mini,1,1\n2026-11-03T14:05:00Z,{new string('x', 70_000)},gpt-4o-mini,1,1\n");

        var (exitCode, _, error) = await ImportAsync(path);

        Assert.Equal(ImportCommand.Refused, exitCode);
        Assert.Equal($"Refused {path}: line 3 is longer than 65,536 characters; nothing stored.", error.Trim());
        Assert.Equal(0L, await ScalarAsync("SELECT COUNT(*) FROM usage_records"));
    }

    [Fact]
    public async Task Import_JsonlLineLongerThanCap_RefusedNamingTheLine()
    {
        var path = WriteFile("long.jsonl", "{\"timestamp\":\"2026-11-03T14:05:00Z\",\"feature\":\"" + new string('x', 70_000) + "\"}\n");

        var (exitCode, _, error) = await ImportAsync(path, "--format", "jsonl");

        Assert.Equal(ImportCommand.Refused, exitCode);
        Assert.Equal($"Refused {path}: line 1 is longer than 65,536 characters; nothing stored.", error.Trim());
    }

    [Fact]
    public async Task Import_DevZeroAsCsv_RefusedAfterOneLineInsteadOfFillingMemory()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // no /dev/zero
        }

        var (exitCode, _, error) = await ImportAsync("/dev/zero", "--format", "csv");

        Assert.Equal(ImportCommand.Refused, exitCode);
        Assert.Equal("Refused /dev/zero: line 1 is longer than 65,536 characters; nothing stored.", error.Trim());
    }

    [Fact]
    public async Task Import_PricedCostAboveRecordLimit_ListsLineAndFieldAndStoresNothing()
    {
        var path = WriteFile("huge.csv", $"{Header}\n2026-11-03T14:05:00Z,support-triage,acme-llm,1,1\n2026-11-03T14:05:00Z,support-triage,acme-llm,1000000000000,1000000000000\n");

        var (exitCode, _, error) = await ImportAsync(path, "--Prices:Overrides:acme-llm:InputPerMillion=1000", "--Prices:Overrides:acme-llm:OutputPerMillion=1000");

        Assert.Equal(ImportCommand.Refused, exitCode);
        Assert.Contains("line 3, input_tokens: 1000000000000 is too large (at most 10,000,000,000).", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync("SELECT COUNT(*) FROM usage_records"));

        var priced = WriteFile("priced.csv", $"{Header}\n2026-11-03T14:05:00Z,support-triage,acme-llm,10000000,1\n");
        (exitCode, _, error) = await ImportAsync(priced, "--Prices:Overrides:acme-llm:InputPerMillion=1000", "--Prices:Overrides:acme-llm:OutputPerMillion=1000");

        Assert.Equal(ImportCommand.Refused, exitCode);
        Assert.Contains("line 2, cost_usd: the tokens at acme-llm's price ($1000.00 in / $1000.00 out per 1M) cost $10,000.00", error, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync("SELECT COUNT(*) FROM usage_records"));
    }
}
