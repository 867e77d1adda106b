namespace Bot.Usage.Importers;

/// <summary>The columns of the generic CSV layout and of its JSONL twin (same names, same meaning).</summary>
internal enum GenericColumn
{
    Timestamp,
    Feature,
    Model,
    InputTokens,
    CachedInputTokens,
    CacheWriteTokens,
    OutputTokens,
    CostUsd,
    TaskId,
    RecordId,
    Requests,
}

/// <summary>
/// Turns the cells of one generic row into a normalised record. The generic layout counts input the OpenAI way:
/// <c>input_tokens</c> INCLUDES <c>cached_input_tokens</c> and <c>cache_write_tokens</c> (the same rule as
/// <c>POST /api/usage</c>), so the uncached input is computed here, once.
/// </summary>
internal sealed class GenericRow
{
    /// <summary>
    /// Column names in the documented header order, then <c>requests</c> (optional, default 1: the API calls a row
    /// stands for), as <c>POST /api/usage</c> accepts it.
    /// </summary>
    public static readonly string[] Names =
    [
        "timestamp", "feature", "model", "input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens", "cost_usd", "task_id", "record_id", "requests",
    ];

    public static readonly GenericColumn[] Required =
    [
        GenericColumn.Timestamp, GenericColumn.Feature, GenericColumn.Model, GenericColumn.InputTokens, GenericColumn.OutputTokens,
    ];

    // Files repeat a handful of feature names a million times: normalise each distinct spelling once.
    private readonly Dictionary<string, string?> features = new(StringComparer.Ordinal);

    public static string NameOf(GenericColumn column) => Names[(int)column];

    public static bool TryFind(string name, out GenericColumn column)
    {
        var index = Array.IndexOf(Names, name.Trim().ToLowerInvariant());
        column = (GenericColumn)Math.Max(index, 0);
        return index >= 0;
    }

    /// <summary>Builds the record from <paramref name="cells"/> indexed by <see cref="GenericColumn"/>; null or empty = absent.</summary>
    public ImportItem Build(long line, string?[] cells)
    {
        List<UsageError>? errors = null;
        void Fail(GenericColumn column, string message) => (errors ??= []).Add(new UsageError(line, NameOf(column), message));

        string? Cell(GenericColumn column)
        {
            var text = cells[(int)column];
            return string.IsNullOrWhiteSpace(text) ? null : text;
        }

        long Count(GenericColumn column, bool required)
        {
            var text = Cell(column);
            if (text is null)
            {
                if (required)
                {
                    Fail(column, "is empty; a count is required");
                }

                return 0;
            }

            if (!ImportFields.TryParseCount(text, out var value, out var problem))
            {
                Fail(column, problem);
            }

            return value;
        }

        var timestamp = default(DateTimeOffset);
        if (Cell(GenericColumn.Timestamp) is not { } timestampText)
        {
            Fail(GenericColumn.Timestamp, "is empty; an ISO 8601 time is required (for example 2026-11-03T14:05:00Z)");
        }
        else if (!ImportFields.TryParseTimestamp(timestampText, out timestamp, out var problem))
        {
            Fail(GenericColumn.Timestamp, problem);
        }

        var feature = string.Empty;
        if (Cell(GenericColumn.Feature) is not { } featureText)
        {
            Fail(GenericColumn.Feature, "is empty; every record belongs to one feature");
        }
        else
        {
            feature = NormalizeFeature(featureText, out var problem) ?? string.Empty;
            if (problem is not null)
            {
                Fail(GenericColumn.Feature, problem);
            }
        }

        var model = Cell(GenericColumn.Model)?.Trim() ?? string.Empty;
        if (model.Length == 0)
        {
            Fail(GenericColumn.Model, "is empty; the model decides the price");
        }

        var input = Count(GenericColumn.InputTokens, required: true);
        var cached = Count(GenericColumn.CachedInputTokens, required: false);
        var cacheWrite = Count(GenericColumn.CacheWriteTokens, required: false);
        var output = Count(GenericColumn.OutputTokens, required: true);
        var requests = Cell(GenericColumn.Requests) is null ? 1 : Count(GenericColumn.Requests, required: false);

        if (errors is null && (cached > input || cacheWrite > input - cached))
        {
            Fail(
                GenericColumn.InputTokens,
                $"{input} is less than cached_input_tokens + cache_write_tokens ({cached} + {cacheWrite}); input_tokens must include them");
        }

        decimal? cost = null;
        if (Cell(GenericColumn.CostUsd) is { } costText)
        {
            if (ImportFields.TryParseCost(costText, out var value, out var problem))
            {
                cost = value;
            }
            else
            {
                Fail(GenericColumn.CostUsd, problem);
            }
        }

        if (errors is not null)
        {
            return ImportItem.Failed(line, errors);
        }

        return ImportItem.Of(line, new UsageRecord(
            timestamp,
            feature,
            model,
            InputTokens: input - cached - cacheWrite,
            CachedInputTokens: cached,
            CacheWriteTokens: cacheWrite,
            OutputTokens: output,
            Cost: cost,
            TaskId: Cell(GenericColumn.TaskId),
            RecordId: Cell(GenericColumn.RecordId),
            Requests: requests));
    }

    private string? NormalizeFeature(string text, out string? problem)
    {
        problem = null;
        if (!features.TryGetValue(text, out var feature))
        {
            feature = ImportFields.TryParseFeature(text, out var normalized, out _) ? normalized : null;
            if (features.Count < 10_000)
            {
                features[text] = feature;
            }
        }

        if (feature is null)
        {
            ImportFields.TryParseFeature(text, out _, out var message);
            problem = message;
        }

        return feature;
    }
}
