using Bot.Roi;

namespace Bot.Usage;

/// <summary>The rules every usage record meets before it is stored, whichever door it came in by.</summary>
internal static class UsageValidation
{
    /// <summary>Far above any single call or daily bucket, far below overflowing a sum of a billion of them.</summary>
    public const long MaxTokens = 1_000_000_000_000;

    public const decimal MaxCost = 1_000_000m;

    public const int MaxTextLength = 200;

    public static readonly DateTimeOffset EarliestTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset LatestTimestamp = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>True when <see cref="Validate"/> would find nothing; cheap enough for every record of a big import.</summary>
    public static bool IsValid(UsageRecord record) =>
        record.Timestamp >= EarliestTimestamp && record.Timestamp < LatestTimestamp
        && FeatureName.TryNormalize(record.Feature, out _)
        && !string.IsNullOrWhiteSpace(record.Model) && record.Model.Trim().Length <= MaxTextLength
        && record.InputTokens is >= 0 and <= MaxTokens && record.CachedInputTokens is >= 0 and <= MaxTokens
        && record.CacheWriteTokens is >= 0 and <= MaxTokens && record.OutputTokens is >= 0 and <= MaxTokens
        && record.Requests is >= 0 and <= MaxTokens
        && record.Cost is null or (>= 0 and <= MaxCost)
        && (record.TaskId is null || (record.TaskId.Length <= MaxTextLength && !string.IsNullOrWhiteSpace(record.TaskId)))
        && (record.RecordId is null || (record.RecordId.Length <= MaxTextLength && !string.IsNullOrWhiteSpace(record.RecordId)));

    /// <summary>Every problem with the record; none means it can be stored. Field names are the generic layout's.</summary>
    public static IEnumerable<UsageError> Validate(UsageRecord record, long line)
    {
        if (record.Timestamp < EarliestTimestamp || record.Timestamp >= LatestTimestamp)
        {
            yield return new UsageError(line, "timestamp", $"{record.Timestamp:O} is not between 2000 and 2099.");
        }

        // The store keeps the normal form (trimmed, lower case), so `Support-Triage ` and `support-triage` are one feature.
        if (!FeatureName.TryNormalize(record.Feature, out _))
        {
            yield return new UsageError(line, "feature", string.IsNullOrWhiteSpace(record.Feature)
                ? "is empty: every record needs the feature it was spent on."
                : $"'{record.Feature}' is not a feature name: use {FeatureName.Rule}.");
        }

        if (string.IsNullOrWhiteSpace(record.Model))
        {
            yield return new UsageError(line, "model", "is empty.");
        }
        else if (record.Model.Trim().Length > MaxTextLength)
        {
            yield return new UsageError(line, "model", $"is longer than {MaxTextLength} characters.");
        }

        foreach (var (field, tokens) in new[]
        {
            ("input_tokens", record.InputTokens),
            ("cached_input_tokens", record.CachedInputTokens),
            ("cache_write_tokens", record.CacheWriteTokens),
            ("output_tokens", record.OutputTokens),
            ("requests", record.Requests),
        })
        {
            if (tokens < 0 || tokens > MaxTokens)
            {
                yield return new UsageError(line, field, $"{tokens} is not a count between 0 and {MaxTokens:#,##0}.");
            }
        }

        if (record.Cost is { } cost && (cost < 0 || cost > MaxCost))
        {
            yield return new UsageError(line, "cost_usd", $"{cost} is not an amount between 0 and {MaxCost:#,##0} dollars.");
        }

        // Ids are kept exactly as given (no trimming), since they identify things in other systems.
        if (record.TaskId is { } taskId && (taskId.Length is 0 or > MaxTextLength || string.IsNullOrWhiteSpace(taskId)))
        {
            yield return new UsageError(line, "task_id", $"must be 1 to {MaxTextLength} characters (or left out).");
        }

        if (record.RecordId is { } recordId && (recordId.Length is 0 or > MaxTextLength || string.IsNullOrWhiteSpace(recordId)))
        {
            yield return new UsageError(line, "record_id", $"must be 1 to {MaxTextLength} characters (or left out).");
        }
    }
}
