using System.Globalization;
using Bot.Roi;

namespace Bot.Digests;

/// <summary>One named share of an ROI multiple's fall: what changed, in words, and how much of the fall it explains.</summary>
internal sealed record DeclineCause(string Text, decimal ShareOfFall);

/// <summary>
/// Decomposes the fall of a feature's ROI multiple between two periods instead of guessing at it.
/// multiple = human ÷ AI, so ln(fall) = ln(human before ÷ human now) + ln(AI now ÷ AI before). The AI side is split
/// exactly into additive parts of the change in AI cost per succeeded task:
/// each model's cost per attempted task (at the old failure rate), the failure rate itself, the fixed overhead spread
/// over fewer tasks (volume), a changed overhead, and review time. Each part gets its share of ln(AI now ÷ AI before).
/// </summary>
internal static class DeclineCauses
{
    /// <summary>Parts that explain less than this share of the fall are not named.</summary>
    private const decimal MinShare = 0.1m;

    private const int MaxCauses = 3;

    public static IReadOnlyList<DeclineCause> Explain(
        RoiRow before,
        RoiRow now,
        IReadOnlyList<ModelUsage> usageBefore,
        IReadOnlyList<ModelUsage> usageNow,
        TimeZoneInfo zone)
    {
        if (before.RoiMultiple is not { } multipleBefore || now.RoiMultiple is not { } multipleNow || multipleNow >= multipleBefore || multipleNow <= 0)
        {
            return [];
        }

        var fall = Math.Log((double)(multipleBefore / multipleNow));
        var parts = new List<(string Text, double Log)>();

        var humanBefore = before.HumanCostPerTask!.Value;
        var humanNow = now.HumanCostPerTask!.Value;
        if (humanNow < humanBefore)
        {
            parts.Add((BaselineLowered(humanBefore, humanNow, now.Input.Baseline!, zone), Math.Log((double)(humanBefore / humanNow))));
        }

        var aiBefore = before.AiCostPerTask!.Value;
        var aiNow = now.AiCostPerTask!.Value;
        var aiChange = aiNow - aiBefore;
        if (aiChange != 0 && aiBefore > 0)
        {
            var aiLog = Math.Log((double)(aiNow / aiBefore));
            foreach (var (text, delta) in AiParts(before, now, usageBefore, usageNow, zone))
            {
                parts.Add((text, (double)(delta / aiChange) * aiLog));
            }
        }

        return parts
            .Select(p => new DeclineCause(p.Text, (decimal)(p.Log / fall)))
            .Where(c => c.ShareOfFall >= MinShare)
            .OrderByDescending(c => c.ShareOfFall)
            .Take(MaxCauses)
            .ToList();
    }

    /// <summary>The additive parts of (AI cost per task now − before), each with what it means in words.</summary>
    private static IEnumerable<(string Text, decimal Delta)> AiParts(RoiRow before, RoiRow now, IReadOnlyList<ModelUsage> usageBefore, IReadOnlyList<ModelUsage> usageNow, TimeZoneInfo zone)
    {
        var succeededBefore = (decimal)before.SucceededTasks;
        var succeededNow = (decimal)now.SucceededTasks;
        var attemptsBefore = succeededBefore + before.Input.FailedTasks;
        var attemptsNow = succeededNow + now.Input.FailedTasks;
        var perSuccessBefore = attemptsBefore / succeededBefore;
        var perSuccessNow = attemptsNow / succeededNow;

        var models = usageBefore.Select(u => u.Model).Union(usageNow.Select(u => u.Model)).Order(StringComparer.Ordinal);
        foreach (var model in models)
        {
            var was = usageBefore.FirstOrDefault(u => u.Model == model);
            var isNow = usageNow.FirstOrDefault(u => u.Model == model);
            var perAttemptBefore = (was?.Cost ?? 0m) / attemptsBefore;
            var perAttemptNow = (isNow?.Cost ?? 0m) / attemptsNow;
            yield return (ModelText(model, was, isNow, attemptsBefore, attemptsNow, succeededBefore, succeededNow), (perAttemptNow - perAttemptBefore) * perSuccessBefore);
        }

        var failedShareBefore = before.Input.FailedTasks / attemptsBefore;
        var failedShareNow = now.Input.FailedTasks / attemptsNow;
        yield return (
            $"failed tasks up from {Percent(failedShareBefore)} to {Percent(failedShareNow)} of all tasks, so each success carries the usage of more failed ones",
            now.Input.ApiCost / attemptsNow * (perSuccessNow - perSuccessBefore));

        var overheadBefore = before.Input.Overhead;
        var overheadNow = now.Input.Overhead;
        if (overheadBefore > 0)
        {
            yield return (
                $"volume down from {Money.FormatCount(before.SucceededTasks)} to {Money.FormatCount(now.SucceededTasks)} succeeded tasks, so the {Money.Format(overheadBefore)} fixed overhead weighs {Money.Format(overheadBefore / succeededNow)}/task instead of {Money.Format(overheadBefore / succeededBefore)}",
                overheadBefore * ((1m / succeededNow) - (1m / succeededBefore)));
        }

        yield return (
            $"fixed overhead raised from {Money.Format(overheadBefore)} to {Money.Format(overheadNow)} per {(now.Period.Kind == PeriodKind.Month ? "month" : "quarter")}",
            (overheadNow - overheadBefore) / succeededNow);

        var reviewBefore = before.Input.Baseline?.ReviewCostPerTask ?? 0m;
        var reviewNow = now.Input.Baseline?.ReviewCostPerTask ?? 0m;
        if (reviewNow != reviewBefore && now.Input.Baseline is { } baseline)
        {
            yield return (
                $"review time per task now costs {Money.Format(reviewNow)} instead of {Money.Format(reviewBefore)} (baseline set by {baseline.SetBy} on {LocalDate(baseline.SetAt, zone)})",
                reviewNow - reviewBefore);
        }
    }

    private static string ModelText(string model, ModelUsage? was, ModelUsage? isNow, decimal attemptsBefore, decimal attemptsNow, decimal succeededBefore, decimal succeededNow)
    {
        var costBefore = (was?.Cost ?? 0m) / succeededBefore;
        var costNow = (isNow?.Cost ?? 0m) / succeededNow;
        if (was is null || was.Cost == 0 && was.TotalTokens == 0)
        {
            return $"AI cost per task up: new model {model} adds {Money.Format(costNow)}/task";
        }

        if (isNow is null)
        {
            return $"AI cost per task down: {model} no longer used";
        }

        var text = $"AI cost per task up: {model} {PerTask(costBefore, costNow)}";
        var details = new List<string>();
        var tokensBefore = was.TotalTokens / attemptsBefore;
        var tokensNow = isNow.TotalTokens / attemptsNow;
        if (Changed(tokensBefore, tokensNow))
        {
            var (name, typeBefore, typeNow) = new[]
            {
                ("input", was.InputTokens / attemptsBefore, isNow.InputTokens / attemptsNow),
                ("cached input", was.CachedInputTokens / attemptsBefore, isNow.CachedInputTokens / attemptsNow),
                ("cache write", was.CacheWriteTokens / attemptsBefore, isNow.CacheWriteTokens / attemptsNow),
                ("output", was.OutputTokens / attemptsBefore, isNow.OutputTokens / attemptsNow),
            }.MaxBy(t => Math.Abs(t.Item3 - t.Item2));
            details.Add($"tokens per task {Tokens(tokensBefore)} → {Tokens(tokensNow)}, mostly {name} ({Tokens(typeBefore)} → {Tokens(typeNow)})");
        }

        if (was.TotalTokens > 0 && isNow.TotalTokens > 0 && was.UnpricedRecords == 0 && isNow.UnpricedRecords == 0)
        {
            var priceBefore = was.Cost / was.TotalTokens * 1_000_000m;
            var priceNow = isNow.Cost / isNow.TotalTokens * 1_000_000m;
            if (Changed(priceBefore, priceNow))
            {
                details.Add($"price per million tokens {Money.Format(priceBefore)} → {Money.Format(priceNow)}");
            }
        }

        return details.Count == 0 ? text : $"{text} ({string.Join("; ", details)})";
    }

    private static string BaselineLowered(decimal before, decimal now, Baseline baseline, TimeZoneInfo zone)
    {
        var effective = baseline.EffectiveFrom == DateTimeOffset.UnixEpoch ? "for all periods" : $"effective {LocalDate(baseline.EffectiveFrom, zone)}";
        return $"human baseline lowered from {Money.Format(before)} to {Money.Format(now)}/task ({baseline.Describe()}), set by {baseline.SetBy} on {LocalDate(baseline.SetAt, zone)}, {effective}";
    }

    /// <summary>"$0.02 → $0.06/task (+200%)", with as many decimals as it takes for the two amounts to differ.</summary>
    internal static string PerTask(decimal before, decimal now)
    {
        var (a, b) = (Money.Format(before), Money.Format(now));
        for (var decimals = 3; a == b && decimals <= 9; decimals++)
        {
            var format = "$#,##0." + new string('0', decimals);
            (a, b) = (decimal.Round(before, decimals).ToString(format, CultureInfo.InvariantCulture), decimal.Round(now, decimals).ToString(format, CultureInfo.InvariantCulture));
        }

        return $"{a} → {b}/task ({DigestBuilder.Change(before, now)})";
    }

    /// <summary>A change of more than 5% either way.</summary>
    private static bool Changed(decimal before, decimal now) => before == 0 ? now != 0 : Math.Abs((now - before) / before) > 0.05m;

    private static string Tokens(decimal perTask) => decimal.Round(perTask, perTask < 10 ? 1 : 0, MidpointRounding.AwayFromZero).ToString("#,##0.#", CultureInfo.InvariantCulture);

    private static string Percent(decimal share) => decimal.Round(share * 100m, 1, MidpointRounding.AwayFromZero).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static string LocalDate(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
