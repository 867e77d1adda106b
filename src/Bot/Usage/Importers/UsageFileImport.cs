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
    /// Reads every item. Records go to <paramref name="addRecord"/>, in file order, while the file has shown no error;
    /// after the first one the rest is only checked, so the answer lists every bad line at once. <paramref name="validate"/>
    /// adds the store's own rules. (The store writes on a task of its own, so parsing and writing use two cores.)
    /// </summary>
    public static async Task<ImportOutcome> CollectAsync(
        IAsyncEnumerable<ImportItem> items,
        Func<UsageRecord, long, IEnumerable<UsageError>>? validate,
        Func<UsageRecord, CancellationToken, Task>? addRecord,
        Action<long>? onRecord,
        CancellationToken cancellationToken)
    {
        var shown = new List<UsageError>();
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
            else if (errorCount == 0 && addRecord is not null)
            {
                await addRecord(item.Record!, cancellationToken);
            }

            onRecord?.Invoke(records);
        }

        return new ImportOutcome(records, shown, errorCount);
    }

    private static UsageFileReading Refuse(ImportFormat format, string problem) =>
        new(format, AsyncEnumerable.Empty<ImportItem>(), problem);
}
