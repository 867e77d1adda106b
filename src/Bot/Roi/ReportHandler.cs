using System.Globalization;
using System.Text.RegularExpressions;
using Bot.Charts;
using Bot.Chat;

namespace Bot.Roi;

/// <summary>`roi`, `roi &lt;period&gt;`, `roi &lt;feature&gt; [period]`: the table, or one feature in depth.</summary>
internal sealed partial class ReportHandler(RoiReader reader, BaselineStore store, ReportingClock clock, IEnumerable<IModelPriceInfo> priceInfo, ChartService charts) : ICommandHandler
{
    private const int TrendMonths = 6;

    public string Name => ChatDispatcher.ReportHandlerName;

    public IReadOnlyList<string> Usage { get; } = ["roi [period]", "roi <feature> [period]"];

    public string Summary => "every feature's ROI for the last complete month (or the period); one feature in depth";

    public async Task<Reply> HandleAsync(CommandContext context, CommandArguments arguments, CancellationToken cancellationToken)
    {
        if (arguments.Count == 0)
        {
            return await TableAsync(clock.LastCompleteMonth, cancellationToken);
        }

        if (ReportingPeriod.TryParse(arguments[0], clock.Today, out var period))
        {
            return arguments.Count == 1 ? await TableAsync(period, cancellationToken) : WrongForm($"'{arguments.Text}' has more than a period.");
        }

        if (ReportingPeriod.LooksLikePeriod(arguments[0]))
        {
            return BadPeriod(arguments[0]);
        }

        if (arguments.Count > 2)
        {
            return WrongForm($"'{arguments.Text}' is not a command I know.");
        }

        var feature = await FindFeatureAsync(arguments[0], cancellationToken);
        if (feature.Reply is { } unknown)
        {
            return unknown;
        }

        var featurePeriod = clock.LastCompleteMonth;
        if (arguments.Count == 2 && !ReportingPeriod.TryParse(arguments[1], clock.Today, out featurePeriod))
        {
            return BadPeriod(arguments[1]);
        }

        return await FeatureAsync(feature.Name!, featurePeriod, cancellationToken);
    }

    private async Task<Reply> TableAsync(ReportingPeriod period, CancellationToken cancellationToken)
    {
        var data = await reader.ReadAsync(period, clock.Zone, cancellationToken);
        var title = $"AI ROI by feature — {PeriodTitle(period)}";
        if (data.Rows.Count == 0)
        {
            return new Reply(title)
            {
                Body = ["No features yet. Send usage (POST /api/usage or `import`), then set a baseline: `roi baseline meeting-summary 20m @ $50/h`. `demo` loads an example."],
            };
        }

        return new Reply(title)
        {
            Body = [RoiTables.Summary(data.Rows)],
            Tables = [RoiTables.Table(data.Rows, period)],
            Highlights = RoiTables.Highlights(data),
            Footnote = Footnote(period),
        };
    }

    private async Task<Reply> FeatureAsync(string feature, ReportingPeriod period, CancellationToken cancellationToken)
    {
        var data = await reader.ReadAsync(period, clock.Zone, cancellationToken);
        var row = data.Row(feature)!;

        // The trend is the six months that end with the period asked about.
        var lastMonth = period.Months()[^1];
        var trendRows = new List<IReadOnlyList<string>>();
        var month = lastMonth;
        var months = new List<ReportingPeriod>();
        for (var i = 0; i < TrendMonths; i++)
        {
            months.Insert(0, month);
            month = month.Previous();
        }

        foreach (var m in months)
        {
            var monthRow = m == period ? row : (await reader.ReadAsync(m, clock.Zone, cancellationToken)).Row(feature);
            trendRows.Add(monthRow is null
                ? [m.Label, "no tasks", "no tasks", "no baseline", "n/a"]
                : [m.Label, monthRow.SucceededTasks > 0 ? Money.FormatCount(monthRow.SucceededTasks) : "no tasks", RoiTables.AiCell(monthRow), monthRow.HumanCostPerTask is { } h ? Money.Format(h) : "no baseline", RoiTables.MultipleCell(monthRow)]);
        }

        var models = data.Usage.Where(u => u.Feature == feature).OrderByDescending(u => u.Cost).ToList();
        var modelRows = models.Select(u => (IReadOnlyList<string>)
        [
            u.Model,
            Money.FormatCount(u.Records),
            Money.FormatCount(u.InputTokens),
            Money.FormatCount(u.CachedInputTokens),
            Money.FormatCount(u.CacheWriteTokens),
            Money.FormatCount(u.OutputTokens),
            u.UnpricedRecords > 0 ? $"unpriced ({Money.FormatCount(u.UnpricedRecords, "record", "records")})" : Money.Format(u.Cost),
        ]).ToList();

        var tables = new List<ReplyTable>
        {
            RoiTables.Table([row], period, withTotals: false),
            new([new("Month"), new("Tasks", true), new("AI cost/task", true), new("Human cost/task", true), new("ROI multiple", true)], trendRows) { Caption = "Last 6 months" },
        };
        if (modelRows.Count > 0)
        {
            tables.Add(new ReplyTable(
                [new("Model"), new("Records", true), new("Uncached input", true), new("Cached input", true), new("Cache write", true), new("Output", true), new("Cost", true)],
                modelRows) { Caption = "Cost by model" });
        }

        var basis = new List<string>();
        var baseline = row.Input.Baseline;
        var later = baseline is null ? (await store.AllBaselinesAsync(cancellationToken))[feature].MinBy(b => b.EffectiveFrom) : null;
        basis.Add(baseline is null
            ? later is not null
                ? $"Baseline: none in effect in {PeriodTitle(period)}; the first starts {clock.LocalDay(later.EffectiveFrom):yyyy-MM-dd}. To cover this period, set one with `from`: `roi baseline {feature} {later.ChatForm()} from {period.FirstDay:yyyy-MM-dd}`."
                : $"Baseline: none. Set one with `roi baseline {feature} 20m @ $50/h`."
            : $"Baseline: {baseline.Describe()}{(baseline.Unit is { } unit ? $" per {unit}" : string.Empty)}, set by {baseline.SetBy} on {clock.LocalDay(baseline.SetAt):yyyy-MM-dd}.");
        basis.Add($"AI cost: {Money.Format(row.Input.ApiCost)} API + {Money.Format(row.Input.Overhead)} overhead over {Money.FormatCount(row.SucceededTasks, "succeeded task", "succeeded tasks")} ({Money.FormatCount(row.Input.FailedTasks)} failed).");
        var describe = priceInfo.FirstOrDefault();
        if (describe is not null)
        {
            var at = period.EndUtc(clock.Zone) < clock.UtcNow ? period.EndUtc(clock.Zone).AddTicks(-1) : clock.UtcNow;
            basis.AddRange(models.Select(u => $"Price of {u.Model}: {describe.Describe(u.Model, at)}"));
        }

        var single = data with { Rows = [row], Usage = models };
        return new Reply($"{feature} — {PeriodTitle(period)}")
        {
            Body = basis,
            Tables = tables,
            Highlights = RoiTables.Highlights(single),
            Footnote = Footnote(period),
            Charts = await charts.FeatureChartOrNullAsync(feature, lastMonth, cancellationToken) is { } chart ? [chart] : [],
        };
    }

    private string PeriodTitle(ReportingPeriod period) =>
        period.Contains(clock.Today) ? $"{period.DisplayName} (to date)" : period.DisplayName;

    private string Footnote(ReportingPeriod period) =>
        $"AI cost/task = (API cost + overhead) ÷ succeeded tasks + review minutes × rate. Human cost/task = minutes × hourly rate. Periods in {clock.Zone.Id}.";

    private async Task<(string? Name, Reply? Reply)> FindFeatureAsync(string text, CancellationToken cancellationToken)
    {
        var known = await store.FeatureNamesAsync(cancellationToken);
        if (FeatureName.TryNormalize(text, out var feature) && known.Contains(feature))
        {
            return (feature, null);
        }

        return (null, UnknownFeature(text, known));
    }

    internal static Reply UnknownFeature(string text, IReadOnlyList<string> known, string forms = "`roi`, `roi <feature> [period]`, `roi help`")
    {
        // `lastmonth`, `this month` typed as one word: a period, not a feature.
        var squashed = text.Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
        var period = new[] { "this-month", "last-month", "this-quarter", "last-quarter" }.FirstOrDefault(p => p.Replace("-", string.Empty, StringComparison.Ordinal) == squashed);
        if (period is not null)
        {
            return Reply.Error($"'{text}' is not a period I know", $"Did you mean `{period}`? Periods: {ReportingPeriod.Forms}.");
        }

        // `Q3`, `nov`, `November`: a period without its year.
        if (PeriodWithoutYear().IsMatch(text) && !known.Contains(text.ToLowerInvariant(), StringComparer.Ordinal))
        {
            return Reply.Error($"'{text}' is not a period I know", $"Periods carry their year: {ReportingPeriod.Forms}.");
        }

        var suggestions = FeatureName.Suggest(text, known);
        var hint = suggestions.Count > 0
            ? $"Did you mean {string.Join(" or ", suggestions.Select(s => $"`{s}`"))}?"
            : known.Count > 0 ? "`roi features` lists the features I know." : "No features yet: send usage or set a baseline first.";
        return Reply.Error($"I don't know the feature '{text}'", hint, $"Forms: {forms}.");
    }

    private static Reply BadPeriod(string text) =>
        Reply.Error(ReportingPeriod.Problem(text), $"Periods: {ReportingPeriod.Forms}.");

    private static Reply WrongForm(string problem) =>
        Reply.Error(problem, "Forms: `roi`, `roi <period>`, `roi <feature> [period]`. `roi help` lists every command.");

    [GeneratedRegex("^(q[1-4]|jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PeriodWithoutYear();
}
