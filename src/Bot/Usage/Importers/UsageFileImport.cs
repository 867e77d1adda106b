using System.Threading.Channels;

namespace Bot.Usage.Importers;

/// <summary>The reader chosen for one file, or why none could be: unknown format, or a missing <c>--feature</c>.</summary>
internal sealed record UsageFileReading(ImportFormat Format, IAsyncEnumerable<ImportItem> Items, string? Problem);

/// <summary>How a whole file went: records read, the first errors (up to <see cref="UsageFileImport.ShownErrors"/>) and how many there were.</summary>
internal sealed record ImportOutcome(long Records, IReadOnlyList<UsageError> Errors, long ErrorCount)
{
    public bool Refused => ErrorCount > 0;
}

/// <summary>
/// From a file to checked records: picks the reader, then collects every error of the file while passing records
/// on. A file with any error is refused whole, so the caller commits only when <see cref="ImportOutcome.Refused"/> is false.
/// </summary>
internal static class UsageFileImport
{
    public const int ShownErrors = 100;

    public static async Task<UsageFileReading> OpenAsync(Stream stream, string fileName, ImportFormat format, string? feature, CancellationToken cancellationToken)
    {
        if (format == ImportFormat.Auto)
        {
            var (detected, problem) = await ImportFormats.DetectAsync(stream, fileName, cancellationToken);
            if (problem is not null)
            {
                return Refuse(format, problem);
            }

            format = detected;
        }

        var name = ImportFormats.NameOf(format);
        string normalizedFeature = string.Empty;
        if (ImportFormats.NeedsFeature(format))
        {
            if (string.IsNullOrWhiteSpace(feature))
            {
                return Refuse(format, $"{fileName} is {name}, which has no feature column: say which feature the usage belongs to with --feature <name>, for example --feature meeting-summary");
            }

            if (!ImportFields.TryParseFeature(feature, out normalizedFeature, out var problem))
            {
                return Refuse(format, $"--feature {problem}");
            }
        }
        else if (!string.IsNullOrWhiteSpace(feature))
        {
            return Refuse(format, $"{fileName} is {name}, whose records name their own feature; --feature is only for openai-dashboard and openai-usage-api files");
        }

        IAsyncEnumerable<ImportItem> items = format switch
        {
            ImportFormat.Csv => GenericCsvImporter.ReadAsync(stream, cancellationToken),
            ImportFormat.Jsonl => GenericJsonlImporter.ReadAsync(stream, cancellationToken),
            ImportFormat.OpenAiDashboard => OpenAiDashboardImporter.ReadAsync(stream, normalizedFeature, cancellationToken),
            _ => OpenAiUsageApiImporter.ReadAsync(stream, normalizedFeature, cancellationToken),
        };
        return new UsageFileReading(format, items, null);
    }

    /// <summary>
    /// Reads every item. Records go to <paramref name="addRecord"/> while the file has shown no error; after the first
    /// one the rest is only checked, so the answer lists every bad line at once. <paramref name="validate"/> adds the store's own rules.
    /// Parsing runs on its own task, a few batches ahead of the store, so the two use two cores; records reach
    /// <paramref name="addRecord"/> in file order, from one task at a time.
    /// </summary>
    public static async Task<ImportOutcome> CollectAsync(
        IAsyncEnumerable<ImportItem> items,
        Func<UsageRecord, long, IEnumerable<UsageError>>? validate,
        Func<UsageRecord, CancellationToken, Task>? addRecord,
        Action<long>? onRecord,
        CancellationToken cancellationToken)
    {
        if (addRecord is null)
        {
            return await ReadAsync(items, validate, batch: null, onRecord, cancellationToken);
        }

        var batches = Channel.CreateBounded<UsageRecord[]>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reader = Task.Run(
            async () =>
            {
                try
                {
                    var outcome = await ReadAsync(items, validate, batch => batches.Writer.WriteAsync(batch, stop.Token), onRecord, stop.Token);
                    batches.Writer.Complete();
                    return outcome;
                }
                catch (Exception exception)
                {
                    batches.Writer.Complete(exception);
                    throw;
                }
            },
            stop.Token);

        try
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(stop.Token))
            {
                foreach (var record in batch)
                {
                    await addRecord(record, cancellationToken);
                }
            }
        }
        catch
        {
            // The store failed (or the reader did): stop the reader and let the first failure speak.
            await stop.CancelAsync();
            await Task.WhenAny(reader);
            _ = reader.Exception;
            throw;
        }

        return await reader;
    }

    private static async Task<ImportOutcome> ReadAsync(
        IAsyncEnumerable<ImportItem> items,
        Func<UsageRecord, long, IEnumerable<UsageError>>? validate,
        Func<UsageRecord[], ValueTask>? batch,
        Action<long>? onRecord,
        CancellationToken cancellationToken)
    {
        const int BatchSize = 1024;
        var shown = new List<UsageError>();
        var pending = new List<UsageRecord>(BatchSize);
        long errorCount = 0;
        long records = 0;
        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            records++;
            var errors = item.Errors;
            if (item.Record is { } record && validate is not null)
            {
                var invalid = validate(record, item.Line).ToList();
                errors = invalid.Count > 0 ? invalid : null;
            }

            if (errors is not null)
            {
                foreach (var error in errors)
                {
                    errorCount++;
                    if (shown.Count < ShownErrors)
                    {
                        shown.Add(error);
                    }
                }
            }
            else if (errorCount == 0 && batch is not null)
            {
                pending.Add(item.Record!);
                if (pending.Count == BatchSize)
                {
                    await batch([.. pending]);
                    pending.Clear();
                }
            }

            onRecord?.Invoke(records);
        }

        if (errorCount == 0 && batch is not null && pending.Count > 0)
        {
            await batch([.. pending]);
        }

        return new ImportOutcome(records, shown, errorCount);
    }

    private static UsageFileReading Refuse(ImportFormat format, string problem) =>
        new(format, AsyncEnumerable.Empty<ImportItem>(), problem);
}
