using System.Globalization;
using Bot.Chat;
using Bot.Roi;

namespace Bot.Digests;

/// <summary>
/// Builds a digest from numbers already read: the period's table, totals against the previous period, and the flags
/// (negative, declining with its cause, missing baselines, usage without tasks, unpriced models). Pure: no clock, no I/O.
/// </summary>
internal static class DigestBuilder
{
    public static Reply Build(DigestInput input)
    {
        var data = input.Current;
        var title = $"{(input.Kind == DigestKind.Monthly ? "Monthly" : "Quarterly")} ROI digest — {data.Period.DisplayName}{(input.InProgress ? " (to date)" : string.Empty)}";
        if (!DigestInput.HasData(data))
        {
            return new Reply(title) { Body = [$"No usage or tasks were recorded in {data.Period.DisplayName}."] };
        }

        var tables = new List<ReplyTable> { RoiTables.Table(data.Rows, data.Period) };
        if (input.Previous is { } previous)
        {
            tables.Add(Comparison(data, previous));
        }

        if (input.Kind == DigestKind.Quarterly && input.Months.Count > 0)
        {
            tables.Add(MonthlyTrend(data, input.Months));
        }

        return new Reply(title)
        {
            Body = Totals(data, input.Previous),
            Tables = tables,
            Highlights = [.. Negative(input), .. Declining(input), .. NoBaseline(input), .. UsageWithoutTasks(input), .. Unpriced(input)],
            Footnote = $"AI cost/task = (API cost + overhead) ÷ succeeded tasks + review time; human cost/task = minutes × hourly rate. "
                + $"Declining: ROI multiple down {Percent(input.DecliningThreshold)} or more against the previous {Noun(input, 1)}, or down three {Noun(input, 3)} in a row. Periods in {input.Zone.Id}.",
        };
    }

    /// <summary>
    /// The features whose flags ask for a closer look, in the order the digest lists them: negative ROI first, then
    /// declining. These are the ones the digest carries a chart of.
    /// </summary>
    public static IReadOnlyList<string> FlaggedFeatures(DigestInput input)
    {
        if (!DigestInput.HasData(input.Current))
        {
            return [];
        }

        var negative = input.Current.Rows.Where(r => r.Has(RoiFlags.NegativeRoi)).Select(r => r.Feature);
        var declining = input.Current.Rows.Where(r => Decline(input, r.Feature, 0) is not null).Select(r => r.Feature);
        return [.. negative.Concat(declining).Distinct(StringComparer.Ordinal)];
    }

    private static IReadOnlyList<string> Totals(PeriodData data, PeriodData? previous)
    {
        var savings = TotalSavings(data);
        var spend = RoiTables.Summary(data.Rows);
        if (previous is null || !DigestInput.HasData(previous))
        {
            return [$"Total savings {Money.Format(savings)}; no data in {previous?.Period.DisplayName ?? "the previous period"} to compare with.", spend];
        }

        var before = TotalSavings(previous);
        var change = savings - before;
        var direction = change >= 0 ? "up" : "down";
        return [$"Total savings {Money.Format(savings)} against {Money.Format(before)} in {previous.Period.DisplayName}: {direction} {Money.Format(Math.Abs(change))} ({Change(before, savings)}).", spend];
    }

    private static decimal TotalSavings(PeriodData data) => data.Rows.Where(r => r.Savings.HasValue).Sum(r => r.Savings!.Value);

    private static ReplyTable Comparison(PeriodData data, PeriodData previous)
    {
        var rows = data.Rows.Select(row =>
        {
            var before = previous.Row(row.Feature);
            return (IReadOnlyList<string>)
            [
                row.Feature,
                before is null ? "n/a" : RoiTables.MultipleCell(before),
                RoiTables.MultipleCell(row),
                before?.RoiMultiple is { } m0 && row.RoiMultiple is { } m1 ? Change(m0, m1) : "n/a",
                before?.Savings is { } s0 && row.Savings is { } s1 ? Signed(s1 - s0) : "n/a",
            ];
        }).ToList();
        return new ReplyTable(
            [new("Feature"), new($"ROI {previous.Period.Label}", true), new($"ROI {data.Period.Label}", true), new("Change", true), new("Savings change", true)],
            rows) { Caption = $"Against {previous.Period.DisplayName}" };
    }

    private static ReplyTable MonthlyTrend(PeriodData quarter, IReadOnlyList<PeriodData> months)
    {
        var rows = quarter.Rows.Select(row =>
        {
            var multiples = months.Select(m => m.Row(row.Feature)).ToList();
            var known = multiples.Where(r => r?.RoiMultiple is not null).Select(r => r!.RoiMultiple!.Value).ToList();
            var trend = known.Count < 2 ? "n/a" : known[^1] > known[0] * 1.05m ? "rising" : known[^1] < known[0] * 0.95m ? "falling" : "flat";
            return (IReadOnlyList<string>)[row.Feature, .. multiples.Select(r => r is null ? "n/a" : RoiTables.MultipleCell(r)), trend];
        }).ToList();
        return new ReplyTable(
            [new("Feature"), .. months.Select(m => new ReplyColumn($"ROI {m.Period.Label}", true)), new("Trend")],
            rows) { Caption = $"Monthly trend within {quarter.Period.DisplayName}" };
    }

    private static IEnumerable<Highlight> Negative(DigestInput input)
    {
        foreach (var row in input.Current.Rows.Where(r => r.Has(RoiFlags.NegativeRoi)))
        {
            var streak = Streak(input, data => data.Row(row.Feature)?.Has(RoiFlags.NegativeRoi) == true);
            var numbers = $"AI cost {Money.Format(row.AiCostPerTask!.Value)}/task against the human {Money.Format(row.HumanCostPerTask!.Value)}/task. Optimize or cut.";
            yield return new Highlight(HighlightKind.Negative, streak.Count == 1
                ? $"{row.Feature}: newly negative ROI — {numbers}"
                : $"{row.Feature}: negative for {Persisted(input, streak)} — {numbers}");
        }
    }

    private static IEnumerable<Highlight> Declining(DigestInput input)
    {
        foreach (var row in input.Current.Rows)
        {
            if (Decline(input, row.Feature, 0) is not { } decline)
            {
                continue;
            }

            var streak = 0;
            while (streak < input.History.Count && Decline(input, row.Feature, streak) is not null)
            {
                streak++;
            }

            var compared = input.History[decline.ComparedWith];
            var before = compared.Row(row.Feature)!;
            var headline = decline.ComparedWith == 1
                ? $"ROI multiple down {Percent(1m - (row.RoiMultiple!.Value / before.RoiMultiple!.Value))} ({RoiTables.MultipleCell(before)} → {RoiTables.MultipleCell(row)} against {compared.Period.DisplayName})"
                : $"ROI multiple fell three {Noun(input, 3)} in a row ({string.Join(" → ", Enumerable.Range(0, 4).Reverse().Select(k => RoiTables.MultipleCell(input.History[k].Row(row.Feature)!)))})";
            var lead = streak > 1 ? $"{row.Feature}: declining for {streak} {Noun(input, streak)} — {headline}" : $"{row.Feature}: {headline}";

            var causes = DeclineCauses.Explain(
                before,
                row,
                compared.Usage.Where(u => u.Feature == row.Feature).ToList(),
                input.Current.Usage.Where(u => u.Feature == row.Feature).ToList(),
                input.Zone);
            var cause = causes.Count == 0
                ? $"No single cause: AI cost/task {Money.Format(before.AiCostPerTask!.Value)} → {Money.Format(row.AiCostPerTask!.Value)}, human {Money.Format(before.HumanCostPerTask!.Value)} → {Money.Format(row.HumanCostPerTask!.Value)}."
                : (causes.Count == 1 ? "Cause: " : "Causes: ") + string.Join("; ", causes.Select(c => $"{c.Text} ({Percent(Math.Min(c.ShareOfFall, 1m))} of the fall)")) + ".";
            var against = decline.ComparedWith == 1 ? string.Empty : $" Against {compared.Period.DisplayName}.";
            yield return new Highlight(HighlightKind.Warning, $"{lead}.{against} {cause}");
        }
    }

    /// <summary>Why a feature counts as declining at History[k], and which period it fell from; null if it does not.</summary>
    private static DeclineRule? Decline(DigestInput input, string feature, int k)
    {
        decimal? Multiple(int i) => i < input.History.Count ? input.History[i].Row(feature)?.RoiMultiple : null;

        if (Multiple(k) is not { } m0 || Multiple(k + 1) is not { } m1)
        {
            return null;
        }

        if (m0 <= m1 * (1m - input.DecliningThreshold))
        {
            return new DeclineRule(k + 1);
        }

        return Multiple(k + 2) is { } m2 && Multiple(k + 3) is { } m3 && m0 < m1 && m1 < m2 && m2 < m3 ? new DeclineRule(k + 3) : null;
    }

    private static IEnumerable<Highlight> NoBaseline(DigestInput input)
    {
        foreach (var row in input.Current.Rows.Where(r => r.Has(RoiFlags.NoBaseline) && DigestInput.IsActive(r)))
        {
            var streak = Streak(input, data => data.Row(row.Feature) is { } r && r.Has(RoiFlags.NoBaseline) && DigestInput.IsActive(r));
            var since = streak.Count == 1 ? "no baseline" : $"no baseline for {Persisted(input, streak)}";
            yield return new Highlight(HighlightKind.Warning, $"{row.Feature}: {since}, so its ROI cannot be computed — set one with `roi baseline {row.Feature} 20m @ $50/h`.");
        }
    }

    private static IEnumerable<Highlight> UsageWithoutTasks(DigestInput input)
    {
        foreach (var row in input.Current.Rows.Where(r => r.Has(RoiFlags.NoTasks) && !r.Has(RoiFlags.NoUsage)))
        {
            var streak = Streak(input, data => data.Row(row.Feature) is { } r && r.Has(RoiFlags.NoTasks) && !r.Has(RoiFlags.NoUsage));
            var since = streak.Count == 1 ? string.Empty : $" — usage without tasks for {Persisted(input, streak)}";
            yield return new Highlight(HighlightKind.Warning,
                $"{row.Feature}: {Money.Format(row.Input.ApiCost)} of AI usage but no tasks completed in {input.Current.Period.DisplayName}{since}. Report tasks with POST /api/tasks or task ids on usage.");
        }
    }

    private static IEnumerable<Highlight> Unpriced(DigestInput input)
    {
        foreach (var model in input.Current.Usage.Where(u => u.UnpricedRecords > 0).GroupBy(u => u.Model).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var streak = Streak(input, data => data.Usage.Any(u => u.Model == model.Key && u.UnpricedRecords > 0));
            var since = streak.Count == 1 ? string.Empty : $", unpriced for {Persisted(input, streak)}";
            var features = string.Join(", ", model.Select(u => u.Feature).Distinct());
            yield return new Highlight(HighlightKind.Warning,
                $"Unpriced model {model.Key}: {Money.FormatCount(model.Sum(u => u.UnpricedRecords), "record", "records")}, {Money.FormatCount(model.Sum(u => u.TotalTokens))} tokens ({features}) not in the cost{since}. Set its price per million tokens with `roi price {model.Key} input $<amount> output $<amount>`.");
        }
    }

    /// <summary>How many periods in a row, ending with the digest's, a flag has held; Whole when it held in all read.</summary>
    private static (int Count, bool Whole) Streak(DigestInput input, Func<PeriodData, bool> holds)
    {
        var count = 0;
        while (count < input.History.Count && holds(input.History[count]))
        {
            count++;
        }

        return (count, count == input.History.Count);
    }

    private static string Persisted(DigestInput input, (int Count, bool Whole) streak) =>
        (streak.Whole ? "at least " : string.Empty) + $"{streak.Count} {Noun(input, streak.Count)}";

    private static string Noun(DigestInput input, int count) => input.Kind.PeriodNoun(count);

    /// <summary>"+12%", "-52%"; "n/a" when there is nothing to compare with (never ∞).</summary>
    internal static string Change(decimal before, decimal now)
    {
        if (before == 0)
        {
            return "n/a";
        }

        var percent = decimal.Round((now - before) / Math.Abs(before) * 100m, 0, MidpointRounding.AwayFromZero);
        return (percent > 0 ? "+" : string.Empty) + percent.ToString("0", CultureInfo.InvariantCulture) + "%";
    }

    private static string Signed(decimal amount) => amount > 0 ? "+" + Money.Format(amount) : Money.Format(amount);

    private static string Percent(decimal share) =>
        decimal.Round(share * 100m, 0, MidpointRounding.AwayFromZero).ToString("0", CultureInfo.InvariantCulture) + "%";

    private sealed record DeclineRule(int ComparedWith);
}
