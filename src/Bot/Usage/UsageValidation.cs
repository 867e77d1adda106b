using Bot.Roi;

namespace Bot.Usage;

/// <summary>The rules every usage record meets before it is stored, whichever door it came in by.</summary>
internal static class UsageValidation
{
    /// <summary>Far above any single call or daily bucket; a bigger count is a data error, not usage.</summary>
    public const long MaxTokens = 10_000_000_000;

    /// <summary>No single record (one call, or one provider bucket) costs more; a bigger figure is a data error.</summary>
    public const decimal MaxCost = 10_000m;

    /// <summary>
    /// The most one (feature, day, model) rollup may sum to, in nano-dollars ($1,000,000,000): far below where
    /// an int64 sum would overflow (SQLite would silently turn it into a REAL that no report can read).
    /// </summary>
    public const long MaxDailyCostNanos = 1_000_000_000_000_000_000;

    /// <summary>The most a daily token sum may reach, for the same reason.</summary>
    public const long MaxDailyTokens = 1_000_000_000_000_000_000;

    /// <summary>How much of a user's value an error message repeats.</summary>
    public const int MaxEchoedLength = 60;

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
                : $"'{Echo(record.Feature)}' is not a feature name: use {FeatureName.Rule}.");
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
            if (tokens < 0)
            {
                yield return new UsageError(line, field, $"{tokens} is negative; counts are 0 or more.");
            }
            else if (tokens > MaxTokens)
            {
                yield return new UsageError(line, field, TooLarge(tokens.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        if (record.Cost is { } cost && (cost < 0 || cost > MaxCost))
        {
            yield return new UsageError(line, "cost_usd", cost < 0
                ? $"{cost} is negative."
                : $"{cost} is more than {MaxCost:#,##0} dollars, the most one record may cost: check the figure.");
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

    /// <summary>The message for a count above <see cref="MaxTokens"/>, the same from every door.</summary>
    public static string TooLarge(string shown) => $"{Echo(shown)} is too large (at most {MaxTokens:#,##0}).";

    /// <summary>
    /// The cost a record without a provider figure gets from <paramref name="prices"/>, when it is above
    /// <see cref="MaxCost"/>: such a record is refused (line and field), never stored or overflowed.
    /// </summary>
    public static UsageError? PricedCostError(UsageRecord record, Prices.PriceSnapshot prices, long line)
    {
        if (record.Cost is not null || prices.Quote(record.Model.Trim(), record.Timestamp) is not { } quote)
        {
            return null;
        }

        var cost = quote.Prices.Cost(record.InputTokens, record.CachedInputTokens, record.CacheWriteTokens, record.OutputTokens);
        return cost > MaxCost ? CostTooHigh(record.Model, quote, cost, line) : null;
    }

    public static UsageError CostTooHigh(string model, Prices.PriceQuote quote, decimal cost, long line) =>
        new(line, "cost_usd", $"the tokens at {Echo(model.Trim())}'s price ({quote.Prices.Describe()}) cost {Money.Format(cost)}, more than {Money.Format(MaxCost)}, the most one record may cost: check the token counts.");

    /// <summary>A user's value as an error message repeats it: the first 60 characters, then "…".</summary>
    public static string Echo(string? value) =>
        value is null ? string.Empty : value.Length <= MaxEchoedLength ? value : string.Concat(value.AsSpan(0, MaxEchoedLength), "…");
}

/// <summary>
/// An upload refused while it was being stored (a computed cost or a daily sum above its limit). Nothing of the
/// upload is kept: the ingest's transaction rolls back when it is disposed.
/// </summary>
internal sealed class UsageRejectedException(string message) : Exception(message)
{
    public UsageRejectedException(UsageError error)
        : this(error.ToString())
    {
        Error = error;
    }

    /// <summary>The record's line and field, when one record is the reason (not a daily sum).</summary>
    public UsageError? Error { get; }
}
