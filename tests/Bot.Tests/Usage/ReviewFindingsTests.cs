using System.CommandLine;
using Bot.Cli;
using Bot.Usage;
using static Bot.Tests.Usage.UsageTestKit;

namespace Bot.Tests.Usage;

/// <summary>Defects a reviewer found in the ingest ceilings and the command line, each fixed; the tests keep them fixed.</summary>
public sealed class ReviewFindingsTests
{
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
        Assert.Contains("not a whole number of nano-dollars", refused.Message, StringComparison.Ordinal);
    }

    // ASP.NET Core reads `--urls http://...` (space-separated) from the command line too.
    [Fact]
    public void CommandLine_UrlsWithSpaceSeparatedValue_IsAccepted()
    {
        var result = BotCommandLine.Create().Parse(["serve", "--urls", "http://127.0.0.1:5099"]);

        var settings = HostSettings.From(result);

        Assert.Equal(["--urls", "http://127.0.0.1:5099"], settings);
    }

    // A typo in a nested key under an options section, or a key below a single value.
    [Fact]
    public void CommandLine_MistypedNestedPriceOverrideKey_IsRefused()
    {
        var ask = BotCommandLine.Create().Subcommands.Single(c => c.Name == "ask");

        Assert.NotNull(HostSettings.Problem("--Prices:Overrides:gpt-4o-mini:InputPerMilion=0.15", ask));
        Assert.NotNull(HostSettings.Problem("--Storage:Path:Foo=x", ask));
    }

    // `teams package` checks the words no option claims like the other verbs: a mistyped option writes nothing.
    [Fact]
    public async Task CommandLine_TeamsPackageWithMistypedOption_IsRefusedWithExitCode2()
    {
        var output = Path.Combine(Path.GetTempPath(), $"roi-teams-{Guid.NewGuid():N}.zip");
        var manifests = FindManifests();
        try
        {
            var result = BotCommandLine.Create().Parse(["teams", "package", "--app-id", "11111111-1111-1111-1111-111111111111", "--manifest-dir", manifests, "--output", output, "--chek"]);
            int exit;
            try
            {
                exit = await result.InvokeAsync(new InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null, EnableDefaultExceptionHandler = false });
            }
            catch (CommandLineMistakeException)
            {
                exit = 2;
            }

            Assert.Equal(2, exit);
            Assert.False(File.Exists(output));
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static string FindManifests()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "manifests", "teams");
            if (File.Exists(Path.Combine(candidate, "manifest.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("manifests/teams not found");
    }
}
