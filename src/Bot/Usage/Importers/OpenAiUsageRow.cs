using System.Security.Cryptography;
using System.Text;

namespace Bot.Usage.Importers;

/// <summary>
/// One OpenAI usage result (a model's usage in one time bucket), as both the dashboard export and the Usage API
/// name its fields. OpenAI's <c>input_tokens</c> INCLUDES cached reads and cache writes: the uncached part is
/// <c>input_uncached_tokens</c> when given, else what remains; cached tokens are never added to input again.
/// </summary>
internal sealed class OpenAiUsageRow
{
    public DateTimeOffset Start { get; set; }

    public long? EndSeconds { get; set; }

    public string? Model { get; set; }

    public string? ProjectId { get; set; }

    public string? UserId { get; set; }

    public string? ApiKeyId { get; set; }

    public string? Batch { get; set; }

    public string? ServiceTier { get; set; }

    public long InputTokens { get; set; }

    public long CachedTokens { get; set; }

    /// <summary>Null when the source has no such field (the dashboard export).</summary>
    public long? CacheWriteTokens { get; set; }

    public long? UncachedTokens { get; set; }

    public long OutputTokens { get; set; }

    public long Requests { get; set; }

    /// <summary>
    /// The normalised record, or the errors: <paramref name="fieldPrefix"/> goes before each field name
    /// (a JSON path such as <c>data[0].results[1].</c>; empty for CSV).
    /// </summary>
    public ImportItem ToItem(long line, string feature, string fieldPrefix, string groupingHint)
    {
        var errors = new List<UsageError>();
        void Fail(string field, string message) => errors.Add(new UsageError(line, fieldPrefix + field, message));

        if (string.IsNullOrWhiteSpace(Model))
        {
            Fail("model", $"is empty; the model decides the price: {groupingHint}");
        }

        long uncached;
        long cacheWrite;
        var cached = CachedTokens;
        if (CacheWriteTokens is { } write)
        {
            cacheWrite = write;
            uncached = UncachedTokens ?? InputTokens - cached - write;
            if (cached > InputTokens || write > InputTokens - cached)
            {
                Fail("input_tokens", $"{InputTokens} is less than input_cached_tokens + input_cache_write_tokens ({cached} + {write}), which it includes");
            }
            else if (uncached != InputTokens - cached - write)
            {
                Fail("input_uncached_tokens", $"{uncached} does not match input_tokens − input_cached_tokens − input_cache_write_tokens ({InputTokens} − {cached} − {write})");
            }
        }
        else if (UncachedTokens is { } given)
        {
            // No cache-write column: what input_tokens holds beyond the cached and uncached parts was written to the cache.
            uncached = given;
            cacheWrite = InputTokens - cached - given;
            if (cached > InputTokens || given > InputTokens - cached)
            {
                Fail("input_tokens", $"{InputTokens} is less than input_cached_tokens + input_uncached_tokens ({cached} + {given}), which it includes");
            }
        }
        else
        {
            cacheWrite = 0;
            uncached = InputTokens - cached;
            if (cached > InputTokens)
            {
                Fail("input_cached_tokens", $"{cached} is more than input_tokens ({InputTokens}), which includes it");
            }
        }

        if (errors.Count > 0)
        {
            return ImportItem.Failed(line, errors);
        }

        return ImportItem.Of(line, new UsageRecord(
            Start,
            feature,
            Model!.Trim(),
            InputTokens: uncached,
            CachedInputTokens: cached,
            CacheWriteTokens: cacheWrite,
            OutputTokens: OutputTokens,
            Cost: null,
            TaskId: null,
            RecordId: RecordId(),
            Requests: Requests));
    }

    /// <summary>
    /// Stable across re-imports and across both OpenAI formats: the bucket and every grouping dimension, so two
    /// rows of one bucket (one per API key, say) stay two records and a re-sent export is recognised.
    /// </summary>
    public string RecordId()
    {
        var key = string.Join(
            '\u001f',
            Start.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            EndSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
            Model?.Trim() ?? string.Empty,
            ProjectId?.Trim() ?? string.Empty,
            ApiKeyId?.Trim() ?? string.Empty,
            UserId?.Trim() ?? string.Empty,
            NormalizeBatch(Batch),
            ServiceTier?.Trim().ToLowerInvariant() ?? string.Empty);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return "openai-usage:" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    // The export writes FALSE, the API false or null.
    private static string NormalizeBatch(string? batch) => batch?.Trim().ToLowerInvariant() switch
    {
        "true" or "1" => "true",
        "false" or "0" => "false",
        _ => string.Empty,
    };
}
