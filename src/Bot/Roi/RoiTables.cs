using Bot.Chat;

namespace Bot.Roi;

/// <summary>Turns computed rows into reply tables and highlights; shared by `roi`, `roi &lt;feature&gt;` and digests.</summary>
internal static class RoiTables
{
    public static ReplyTable Table(IReadOnlyList<RoiRow> rows, ReportingPeriod period, bool withTotals = true)
    {
        var savingsHeader = period.Kind == PeriodKind.Month ? "Monthly savings" : "Quarterly savings";
        ReplyColumn[] columns =
        [
            new("Feature"),
            new("Tasks", AlignRight: true),
            new("AI cost/task", AlignRight: true),
            new("Human cost/task", AlignRight: true),
            new("ROI multiple", AlignRight: true),
            new(savingsHeader, AlignRight: true),
        ];
        var cells = rows.Select(Cells).ToList();
        IReadOnlyList<string>? totals = null;
        if (withTotals && rows.Count > 1)
        {
            var savings = rows.Where(r => r.Savings.HasValue).Sum(r => r.Savings!.Value);
            totals = ["Total", Money.FormatCount(rows.Sum(r => r.SucceededTasks)), string.Empty, string.Empty, string.Empty, Money.Format(savings)];
        }

        return new ReplyTable(columns, cells) { Totals = totals };
    }

    /// <summary>One line under the table: what the period's AI work cost against the human work it replaced.</summary>
    public static string Summary(IReadOnlyList<RoiRow> rows)
    {
        var human = rows.Where(r => r.HumanCostPerTask.HasValue).Sum(r => r.SucceededTasks * r.HumanCostPerTask!.Value);
        return $"AI cost {Money.Format(rows.Sum(r => r.TotalAiCost))} (API + overhead) against {Money.Format(human)} of human work.";
    }

    public static IReadOnlyList<string> Cells(RoiRow row) =>
    [
        row.Feature,
        row.SucceededTasks > 0 ? Money.FormatCount(row.SucceededTasks) : "no tasks",
        AiCell(row),
        row.HumanCostPerTask is { } human ? Money.Format(human) : "no baseline",
        MultipleCell(row),
        row.Savings is { } savings ? Money.Format(savings) : "n/a",
    ];

    public static string AiCell(RoiRow row) => row.AiCostPerTask is { } ai ? Money.Format(ai) : "no tasks";

    public static string MultipleCell(RoiRow row) => row.RoiMultiple is { } multiple
        ? Money.FormatMultiple(multiple)
        : row.AiCostPerTask == 0m && row.HumanCostPerTask is not null ? "n/a (no AI cost)" : "n/a";

    /// <summary>The flags of a period, in words, worst first.</summary>
    public static IReadOnlyList<Highlight> Highlights(PeriodData data)
    {
        var highlights = new List<Highlight>();
        foreach (var row in data.Rows.Where(r => r.Has(RoiFlags.NegativeRoi)))
        {
            highlights.Add(new Highlight(HighlightKind.Negative,
                $"{row.Feature}: negative ROI — AI cost {Money.Format(row.AiCostPerTask!.Value)}/task is at or above the human {Money.Format(row.HumanCostPerTask!.Value)}/task. Optimize or cut."));
        }

        foreach (var row in data.Rows.Where(r => r.Has(RoiFlags.NoTasks) && !r.Has(RoiFlags.NoUsage)))
        {
            highlights.Add(new Highlight(HighlightKind.Warning,
                $"{row.Feature}: {Money.Format(row.Input.ApiCost)} of AI usage but no tasks completed in {data.Period.Label}. Report tasks with POST /api/tasks or task ids on usage."));
        }

        foreach (var row in data.Rows.Where(r => r.Has(RoiFlags.NoBaseline)))
        {
            highlights.Add(new Highlight(HighlightKind.Warning,
                $"{row.Feature}: no baseline — set one with `roi baseline {row.Feature} 20m @ $50/h`."));
        }

        foreach (var model in data.Usage.Where(u => u.UnpricedRecords > 0).GroupBy(u => u.Model))
        {
            var tokens = model.Sum(u => u.TotalTokens);
            var features = string.Join(", ", model.Select(u => u.Feature).Distinct());
            highlights.Add(new Highlight(HighlightKind.Warning,
                $"Unpriced model {model.Key}: {Money.FormatCount(model.Sum(u => u.UnpricedRecords), "record", "records")}, {Money.FormatCount(tokens)} tokens ({features}) not in the cost. Set its price per million tokens with `roi price {model.Key} input $<amount> output $<amount>`."));
        }

        return highlights;
    }
}
