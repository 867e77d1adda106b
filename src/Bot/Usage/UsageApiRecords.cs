using System.Text.Json;
using Bot.Roi;

namespace Bot.Usage;

/// <summary>A problem with one item of an HTTP upload: its index (JSON array, 0-based) or line (NDJSON, 1-based).</summary>
internal sealed record ApiItemError(long? Index, long? Line, string Field, string Message);

/// <summary>
/// Turns the JSON objects of POST /api/usage and POST /api/tasks into records, collecting every problem with its field.
/// Usage fields are the generic CSV layout's: <c>input_tokens</c> INCLUDES <c>cached_input_tokens</c> and
/// <c>cache_write_tokens</c> (OpenAI style), and is normalised here, once, to uncached input.
/// </summary>
internal static class UsageApiRecords
{
    public static readonly string[] UsageFields =
        ["timestamp", "feature", "model", "input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens", "cost_usd", "task_id", "record_id", "requests", "source"];

    public static readonly string[] TaskFields = ["feature", "task_id", "completed_at", "outcome"];

    public static readonly string[] CountFields = ["feature", "month", "succeeded", "failed"];

    /// <summary>The record and its own source (if it names one), or null with the problems added to <paramref name="errors"/>.</summary>
    public static (UsageRecord Record, string? Source)? ReadUsage(JsonElement item, Func<string, string, ApiItemError> error, List<ApiItemError> errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add(error("(record)", "must be a JSON object."));
            return null;
        }

        var count = errors.Count;
        foreach (var property in item.EnumerateObject())
        {
            if (!UsageFields.Contains(property.Name, StringComparer.Ordinal))
            {
                errors.Add(error(property.Name, $"is not a field (fields: {string.Join(", ", UsageFields)})."));
            }
        }

        var timestamp = default(DateTimeOffset);
        if (!Present(item, "timestamp", out var timestampValue))
        {
            errors.Add(error("timestamp", "is missing."));
        }
        else if (!JsonItems.TryInstant(timestampValue, out timestamp, out var problem))
        {
            errors.Add(error("timestamp", problem));
        }

        var feature = Text(item, "feature", required: true, error, errors) ?? string.Empty;
        var model = Text(item, "model", required: true, error, errors) ?? string.Empty;
        var input = Count(item, "input_tokens", required: true, error, errors);
        var cached = Count(item, "cached_input_tokens", required: false, error, errors);
        var cacheWrite = Count(item, "cache_write_tokens", required: false, error, errors);
        var output = Count(item, "output_tokens", required: true, error, errors);
        var requests = Present(item, "requests", out _) ? Count(item, "requests", required: false, error, errors) : 1;

        decimal? cost = null;
        if (Present(item, "cost_usd", out var costValue))
        {
            if (JsonItems.TryAmount(costValue, out var amount))
            {
                cost = amount;
            }
            else
            {
                errors.Add(error("cost_usd", "must be a number of US dollars, like 0.00042."));
            }
        }

        var taskId = Id(item, "task_id", error, errors);
        var recordId = Id(item, "record_id", error, errors);
        var source = Text(item, "source", required: false, error, errors);
        if (source is not null && source.Trim().Length is 0 or > UsageValidation.MaxTextLength)
        {
            errors.Add(error("source", $"must be 1 to {UsageValidation.MaxTextLength} characters."));
        }

        // input_tokens counts every input token; the stored record keeps uncached input apart from cache reads and writes.
        var uncached = input - cached - cacheWrite;
        if (uncached < 0 && input >= 0 && cached >= 0 && cacheWrite >= 0)
        {
            errors.Add(error("input_tokens", $"{input} is less than cached_input_tokens + cache_write_tokens ({cached + cacheWrite}): input_tokens includes them."));
        }

        // The remaining rules, for every field not already reported (a placeholder stands in for an unreadable time).
        var reported = errors.Skip(count).Select(e => e.Field).ToHashSet(StringComparer.Ordinal);
        var checkedRecord = new UsageRecord(
            reported.Contains("timestamp") ? UsageValidation.EarliestTimestamp : timestamp,
            feature, model, input < 0 ? input : Math.Max(uncached, 0), cached, cacheWrite, output, cost, taskId, recordId, requests);
        foreach (var invalid in UsageValidation.IsValid(checkedRecord) ? [] : UsageValidation.Validate(checkedRecord, 0))
        {
            if (!reported.Contains(invalid.Field))
            {
                errors.Add(error(invalid.Field, invalid.Message));
            }
        }

        var record = checkedRecord;
        return errors.Count > count ? null : (record, source?.Trim());
    }

    /// <summary>A task (<c>feature, task_id, completed_at, outcome</c>) or a month's count (<c>feature, month, succeeded, failed</c>).</summary>
    public static object? ReadTask(JsonElement item, Func<string, string, ApiItemError> error, List<ApiItemError> errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add(error("(record)", "must be a JSON object."));
            return null;
        }

        var count = errors.Count;
        var isCount = Present(item, "month", out _);
        var fields = isCount ? CountFields : TaskFields;
        foreach (var property in item.EnumerateObject())
        {
            if (!fields.Contains(property.Name, StringComparer.Ordinal))
            {
                errors.Add(error(property.Name, isCount
                    ? $"is not a field of a task count (fields: {string.Join(", ", CountFields)})."
                    : $"is not a field of a task (fields: {string.Join(", ", TaskFields)}; or send a count: {string.Join(", ", CountFields)})."));
            }
        }

        var featureText = Text(item, "feature", required: true, error, errors);
        var feature = string.Empty;
        if (featureText is not null && !FeatureName.TryNormalize(featureText, out feature))
        {
            errors.Add(error("feature", $"'{UsageValidation.Echo(featureText)}' is not a feature name: use {FeatureName.Rule}."));
        }

        if (isCount)
        {
            var monthText = Text(item, "month", required: true, error, errors);
            var month = default(ReportingPeriod);
            if (monthText is not null && (!ReportingPeriod.TryParse(monthText, DateOnly.MinValue, out month) || month.Kind != PeriodKind.Month || monthText.Trim().Length != 7))
            {
                errors.Add(error("month", $"'{UsageValidation.Echo(monthText)}' is not a month like \"2026-11\"."));
            }

            var succeeded = Count(item, "succeeded", required: true, error, errors);
            var failed = Count(item, "failed", required: false, error, errors);
            foreach (var (field, value) in new[] { ("succeeded", succeeded), ("failed", failed) })
            {
                if (value < 0)
                {
                    errors.Add(error(field, $"{value} is negative; counts are 0 or more."));
                }
                else if (value > UsageValidation.MaxTokens)
                {
                    errors.Add(error(field, UsageValidation.TooLarge(value.ToString(System.Globalization.CultureInfo.InvariantCulture))));
                }
            }

            return errors.Count > count ? null : new TaskCountReport(feature, month.Label, succeeded, failed);
        }

        var taskId = Id(item, "task_id", error, errors);
        if (taskId is null && !errors.Any(e => e.Field == "task_id"))
        {
            errors.Add(error("task_id", "is missing."));
        }
        else if (taskId is not null && (string.IsNullOrWhiteSpace(taskId) || taskId.Length > UsageValidation.MaxTextLength))
        {
            errors.Add(error("task_id", $"must be 1 to {UsageValidation.MaxTextLength} characters."));
        }

        var completedAt = default(DateTimeOffset);
        if (!Present(item, "completed_at", out var completedValue))
        {
            errors.Add(error("completed_at", "is missing."));
        }
        else if (!JsonItems.TryInstant(completedValue, out completedAt, out var problem))
        {
            errors.Add(error("completed_at", problem));
        }
        else if (completedAt < UsageValidation.EarliestTimestamp || completedAt >= UsageValidation.LatestTimestamp)
        {
            errors.Add(error("completed_at", $"{completedAt:O} is not between 2000 and 2099."));
        }

        var outcome = Text(item, "outcome", required: true, error, errors)?.Trim().ToLowerInvariant();
        if (outcome is not null and not ("succeeded" or "failed"))
        {
            errors.Add(error("outcome", $"'{UsageValidation.Echo(outcome)}' must be \"succeeded\" or \"failed\"."));
        }

        return errors.Count > count ? null : new TaskReport(feature, taskId!, completedAt, outcome == "succeeded");
    }

    /// <summary>True when the field is there and not null (null means left out, as an empty CSV cell).</summary>
    private static bool Present(JsonElement item, string name, out JsonElement value) =>
        item.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static string? Text(JsonElement item, string name, bool required, Func<string, string, ApiItemError> error, List<ApiItemError> errors)
    {
        if (!Present(item, name, out var value))
        {
            if (required)
            {
                errors.Add(error(name, "is missing."));
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(error(name, "must be a string."));
            return null;
        }

        return value.GetString();
    }

    private static long Count(JsonElement item, string name, bool required, Func<string, string, ApiItemError> error, List<ApiItemError> errors)
    {
        if (!Present(item, name, out var value))
        {
            if (required)
            {
                errors.Add(error(name, "is missing."));
            }

            return 0;
        }

        if (!JsonItems.TryCount(value, out var count))
        {
            var text = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
            errors.Add(error(name, double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) && number > long.MaxValue
                ? UsageValidation.TooLarge(text!)
                : $"must be a whole number; got {Shown(value)}."));
        }

        return count;
    }

    private static string? Id(JsonElement item, string name, Func<string, string, ApiItemError> error, List<ApiItemError> errors)
    {
        if (!Present(item, name, out var value))
        {
            return null;
        }

        if (!JsonItems.TryId(value, out var id))
        {
            errors.Add(error(name, "must be a string or a whole number."));
        }

        return id;
    }

    private static string Shown(JsonElement value)
    {
        var raw = value.GetRawText();
        return UsageValidation.Echo(raw);
    }
}
