using System.CommandLine;
using System.Globalization;
using Bot.Cli;
using Bot.Roi;

namespace Bot.Usage.Importers;

/// <summary>
/// <c>import &lt;file&gt; [--format ...] [--feature &lt;name&gt;] [--source &lt;name&gt;] [--check]</c>: streams a usage file
/// into the store in one transaction. A file with any bad line is refused whole and its errors listed.
/// </summary>
internal static class ImportCommand
{
    public const int Refused = 1;
    public const int BadInvocation = 2;

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The usage file: generic CSV or JSONL, an OpenAI dashboard export, or OpenAI Usage API pages." };
        var format = new Option<string>("--format")
        {
            Description = $"The file's format: {ImportFormats.Names}. auto looks at the header or first character.",
            DefaultValueFactory = _ => "auto",
        };
        var feature = new Option<string?>("--feature") { Description = "The feature the usage belongs to, for formats without a feature column (the OpenAI ones)." };
        var source = new Option<string?>("--source") { Description = "Where the records come from, for deduplication of records without ids. Default: <format>:<file name>." };
        var check = new Option<bool>("--check") { Description = "Read and check the file, store nothing." };

        var command = new Command("import", "Import a usage file (streamed; refused whole if any line is bad).") { file, format, feature, source, check };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((result, token) => RunAsync(
            new ImportArguments(result.GetValue(file)!, result.GetValue(format), result.GetValue(feature), result.GetValue(source), result.GetValue(check)),
            BotCommandLine.HostArguments(result),
            result.InvocationConfiguration.Output,
            result.InvocationConfiguration.Error,
            token));
        return command;
    }

    /// <summary>
    /// Runs the verb. Whatever the file holds, the answer is a message, never a stack trace: a refused file lists its
    /// lines, and anything unexpected is one line on the error output with a non-zero exit code.
    /// </summary>
    public static async Task<int> RunAsync(ImportArguments arguments, string[] hostArguments, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            return await ImportAsync(arguments, hostArguments, output, error, cancellationToken);
        }
        catch (LineTooLongException e)
        {
            await error.WriteLineAsync($"Refused {arguments.File}: {e.Message}; nothing stored.");
            return Refused;
        }
        catch (UsageRejectedException e)
        {
            await error.WriteLineAsync($"Refused {arguments.File}: {e.Message}{(e.Message.EndsWith("stored.", StringComparison.Ordinal) ? string.Empty : " Nothing stored.")}");
            return Refused;
        }
        catch (Exception e) when (e is not (OperationCanceledException or Microsoft.Extensions.Options.OptionsValidationException or StartupException or Cli.CommandLineMistakeException))
        {
            await error.WriteLineAsync($"Import of {arguments.File} failed, nothing stored: {UsageValidation.Echo(e.Message.ReplaceLineEndings(" "))} ({e.GetType().Name})");
            return Refused;
        }
    }

    private static async Task<int> ImportAsync(ImportArguments arguments, string[] hostArguments, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!ImportFormats.TryParse(arguments.Format, out var format))
        {
            await error.WriteLineAsync($"Unknown --format '{arguments.Format}'; use one of {ImportFormats.Names}.");
            return BadInvocation;
        }

        if (arguments.File.StartsWith("--", StringComparison.Ordinal))
        {
            await error.WriteLineAsync($"Give the file first and settings such as {arguments.File} after it: import <file> [options] [--Storage:Path=...]");
            return BadInvocation;
        }

        if (!File.Exists(arguments.File))
        {
            await error.WriteLineAsync($"No such file: {arguments.File}");
            return BadInvocation;
        }

        var fileName = Path.GetFileName(arguments.File);
        await using var stream = new FileStream(arguments.File, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        var limited = new LineLimitedStream(stream);
        var reading = await UsageFileImport.OpenAsync(limited, fileName, format, arguments.Feature, cancellationToken);
        limited.Enabled = reading.Format != ImportFormat.OpenAiUsageApi;
        if (reading.Problem is not null)
        {
            await error.WriteLineAsync(reading.Problem);
            return BadInvocation;
        }

        // Stable for the same file, so a re-sent file without record ids is recognised and stored once.
        var source = string.IsNullOrWhiteSpace(arguments.Source) ? $"{ImportFormats.NameOf(reading.Format)}:{fileName}" : arguments.Source.Trim();
        if (source.Length > UsageValidation.MaxTextLength)
        {
            await error.WriteLineAsync($"--source is longer than {UsageValidation.MaxTextLength} characters.");
            return BadInvocation;
        }

        // Quiet like the other one-shot verbs: on a new database the migrations' log lines came before the summary.
        await using var app = BotCommandLine.BuildVerbHost(hostArguments);
        var time = app.Services.GetRequiredService<TimeProvider>();
        var showProgress = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        var progress = new ImportProgress(error, () => stream.CanSeek ? stream.Position : 0, stream.CanSeek ? stream.Length : 0, time, showProgress);

        // The store's own rules (with the cost it would compute), checked here too so a bad record becomes a listed
        // error with its line instead of an exception.
        ImportOutcome outcome;
        IngestResult? stored = null;
        IReadOnlyList<string> newFeatures = [];
        var prices = app.Services.GetRequiredService<Prices.PriceBook>().Snapshot();
        IEnumerable<UsageError> StoreRules(UsageRecord record, long line) =>
            UsageValidation.IsValid(record)
                ? UsageValidation.PricedCostError(record, prices, line) is { } tooMuch ? [tooMuch] : []
                : UsageValidation.Validate(record, line);

        if (arguments.Check)
        {
            outcome = await UsageFileImport.CollectAsync(reading.Items, StoreRules, addRecord: null, progress.OnRecord, cancellationToken);
        }
        else
        {
            await using var ingest = await app.Services.GetRequiredService<UsageStore>().BeginAsync(source, cancellationToken);
            outcome = await UsageFileImport.CollectAsync(reading.Items, StoreRules, ingest.AddAsync, progress.OnRecord, cancellationToken);
            if (!outcome.Refused)
            {
                stored = await ingest.CommitAsync(cancellationToken);
                newFeatures = ingest.NewFeatures;
            }
        }

        progress.Finish();
        if (outcome.Refused)
        {
            await error.WriteLineAsync(RefusalText(arguments.File, outcome));
            return Refused;
        }

        await output.WriteLineAsync(stored is null
            ? string.Create(CultureInfo.InvariantCulture, $"Checked {Money.FormatCount(outcome.Records, "record", "records")} in {arguments.File}: no errors (nothing stored)")
            : string.Create(CultureInfo.InvariantCulture, $"Imported {Money.FormatCount(stored.Stored, "record", "records")} ({Money.FormatCount(stored.Duplicates, "duplicate", "duplicates")} skipped) from {arguments.File}"));
        if (newFeatures.Count > 0)
        {
            // After the commit: what follows only reports, and a Ctrl+C now must not hide that the file was stored.
            var known = (await app.Services.GetRequiredService<BaselineStore>().FeatureNamesAsync(CancellationToken.None)).Except(newFeatures, StringComparer.Ordinal).ToList();
            await output.WriteLineAsync(NewFeaturesText(newFeatures, known));
        }

        return 0;
    }

    /// <summary>Names the features an import created, with a "did you mean" for any close to one known before: a typo shows.</summary>
    internal static string NewFeaturesText(IReadOnlyList<string> created, IReadOnlyList<string> knownBefore)
    {
        var names = created.Take(20).Select(name => FeatureName.Suggest(name, knownBefore) is [var close, ..] ? $"{name} (did you mean {close}?)" : name);
        var more = created.Count > 20 ? $" and {created.Count - 20} more" : string.Empty;
        return $"New {(created.Count == 1 ? "feature" : "features")}: {string.Join(", ", names)}{more}. Each needs a baseline before `roi` can compare it: `roi baseline <feature> <minutes>m @ $<rate>/h`.";
    }

    internal static string RefusalText(string file, ImportOutcome outcome)
    {
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"Refused {file}: {outcome.ErrorCount:#,##0} {(outcome.ErrorCount == 1 ? "error" : "errors")}, nothing stored."),
        };
        lines.AddRange(outcome.Errors.Select(problem => "  " + problem));
        if (outcome.ErrorCount > outcome.Errors.Count)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"  and {outcome.ErrorCount - outcome.Errors.Count:#,##0} more"));
        }

        return string.Join(Environment.NewLine, lines);
    }
}

internal sealed record ImportArguments(string File, string? Format, string? Feature, string? Source, bool Check);
