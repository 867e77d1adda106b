using System.Runtime.CompilerServices;
using CsvHelper;

namespace Bot.Usage.Importers;

/// <summary>
/// The OpenAI dashboard "completions usage" export (CSV, or TSV as some people save it; the header line decides).
/// One row = one model's usage in one bucket starting at <c>start_time</c> (Unix seconds). Columns by name; integers
/// may be written as floats (<c>59200.0</c>). A row with only the time columns filled is a bucket without usage
/// and a header with only time columns is an empty export: both import as zero records.
/// </summary>
internal static class OpenAiDashboardImporter
{
    private static readonly string[] TimeColumns = ["start_time", "end_time", "start_time_iso", "end_time_iso"];
    private static readonly string[] UsageColumns = ["model", "input_tokens", "output_tokens", "num_model_requests"];
    private static readonly string[] Required = ["start_time", .. UsageColumns];

    public static async IAsyncEnumerable<ImportItem> ReadAsync(Stream stream, string feature, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var delimiter = await DetectDelimiterAsync(stream, cancellationToken);
        string? badField = null;
        using var parser = CsvFiles.OpenParser(stream, delimiter, field => badField ??= field);
        if (!await parser.ReadAsync())
        {
            yield return ImportItem.Failed(1, "header", "the file is empty; an OpenAI usage export starts with the header start_time,end_time,...");
            yield break;
        }

        var header = parser.Record ?? [];
        var headerErrors = new List<UsageError>();
        var columns = CsvFiles.MapHeader(header, headerErrors);
        if (!UsageColumns.Any(columns.ContainsKey) && columns.ContainsKey("start_time"))
        {
            // An export of a period without usage has only the time columns.
            yield break;
        }

        headerErrors.AddRange(Required.Where(name => !columns.ContainsKey(name))
            .Select(name => new UsageError(1, name, "required column is missing from the header of the OpenAI usage export")));
        if (headerErrors.Count > 0)
        {
            yield return ImportItem.Failed(1, headerErrors);
            yield break;
        }

        int Index(string name) => columns.GetValueOrDefault(name, -1);
        var usageIndexes = columns.Where(column => !TimeColumns.Contains(column.Key)).Select(column => column.Value).ToArray();
        var start = Index("start_time");
        var end = Index("end_time");
        var model = Index("model");
        var project = Index("project_id");
        var user = Index("user_id");
        var apiKey = Index("api_key_id");
        var batch = Index("batch");
        var tier = Index("service_tier");
        var input = Index("input_tokens");
        var cached = Index("input_cached_tokens");
        var cacheWrite = Index("input_cache_write_tokens");
        var uncached = Index("input_uncached_tokens");
        var output = Index("output_tokens");
        var requests = Index("num_model_requests");

        while (await parser.ReadAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var line = (long)parser.RawRow;
            if (usageIndexes.All(index => string.IsNullOrWhiteSpace(CsvFiles.Cell(parser, index))))
            {
                continue;
            }

            var errors = new List<UsageError>();
            long Count(int index, string name, bool required)
            {
                var text = CsvFiles.Cell(parser, index);
                if (string.IsNullOrWhiteSpace(text))
                {
                    if (required)
                    {
                        errors.Add(new UsageError(line, name, "is empty"));
                    }

                    return 0;
                }

                if (!ImportFields.TryParseCount(text, out var value, out var problem))
                {
                    errors.Add(new UsageError(line, name, problem));
                }

                return value;
            }

            long? Optional(int index, string name) => string.IsNullOrWhiteSpace(CsvFiles.Cell(parser, index)) ? null : Count(index, name, required: false);

            var row = new OpenAiUsageRow
            {
                Model = CsvFiles.Cell(parser, model),
                ProjectId = CsvFiles.Cell(parser, project),
                UserId = CsvFiles.Cell(parser, user),
                ApiKeyId = CsvFiles.Cell(parser, apiKey),
                Batch = CsvFiles.Cell(parser, batch),
                ServiceTier = CsvFiles.Cell(parser, tier),
                InputTokens = Count(input, "input_tokens", required: true),
                CachedTokens = Count(cached, "input_cached_tokens", required: false),
                CacheWriteTokens = Optional(cacheWrite, "input_cache_write_tokens"),
                UncachedTokens = Optional(uncached, "input_uncached_tokens"),
                OutputTokens = Count(output, "output_tokens", required: true),
                Requests = Count(requests, "num_model_requests", required: true),
                EndSeconds = Optional(end, "end_time"),
            };

            if (!ImportFields.TryParseUnixSeconds(CsvFiles.Cell(parser, start) ?? string.Empty, out var startTime, out var startProblem))
            {
                errors.Add(new UsageError(line, "start_time", startProblem));
            }

            row.Start = startTime;
            if (badField is not null)
            {
                errors.Add(new UsageError(line, "row", $"a quote inside an unquoted field ({badField})"));
                badField = null;
            }

            if (errors.Count > 0)
            {
                yield return ImportItem.Failed(line, errors);
                continue;
            }

            yield return row.ToItem(line, feature, fieldPrefix: string.Empty, groupingHint: "export the usage grouped by model");
        }
    }

    /// <summary>Tab when the header line has more tabs than commas, else comma; the stream is rewound.</summary>
    private static async Task<char> DetectDelimiterAsync(Stream stream, CancellationToken cancellationToken)
    {
        var start = stream.Position;
        var buffer = new byte[8192];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        stream.Position = start;
        var head = buffer.AsSpan(0, read);
        var end = head.IndexOf((byte)'\n');
        var firstLine = end >= 0 ? head[..end] : head;
        return firstLine.Count((byte)'\t') > firstLine.Count((byte)',') ? '\t' : ',';
    }
}
