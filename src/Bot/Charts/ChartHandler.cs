using Bot.Chat;
using Bot.Roi;

namespace Bot.Charts;

/// <summary>`roi chart` (savings of every feature) and `roi chart &lt;feature&gt;` (ROI and cost per task), 12 months.</summary>
internal sealed class ChartHandler(ChartService charts, BaselineStore store, ReportingClock clock) : ICommandHandler
{
    public const string CommandName = "chart";

    public string Name => CommandName;

    public IReadOnlyList<string> Usage { get; } = ["roi chart", "roi chart <feature>"];

    public string Summary => "a picture of the last 12 months: savings per feature, or one feature's ROI and cost per task";

    public async Task<Reply> HandleAsync(CommandContext context, CommandArguments arguments, CancellationToken cancellationToken)
    {
        var lastMonth = clock.LastCompleteMonth;
        var range = $"{ChartService.MonthsEndingWith(lastMonth)[0].Label} to {lastMonth.Label}";
        if (arguments.Count == 0)
        {
            var savings = await charts.SavingsChartAsync(lastMonth, cancellationToken);
            return ToReply($"Savings per feature — {range}", "Savings per month (human cost avoided minus AI cost), one line per feature.", savings);
        }

        if (arguments.Count > 1)
        {
            return Reply.Error($"'{arguments.Text}' is more than one feature", "Forms: `roi chart` (every feature) or `roi chart <feature>`.");
        }

        var known = await store.FeatureNamesAsync(cancellationToken);
        if (!FeatureName.TryNormalize(arguments[0], out var feature) || !known.Contains(feature))
        {
            var unknown = ReportHandler.UnknownFeature(arguments[0], known);
            return unknown with { Body = [unknown.Body[0], "Forms: `roi chart` or `roi chart <feature>`."] };
        }

        var outcome = await charts.FeatureChartAsync(feature, lastMonth, cancellationToken);
        return ToReply($"{feature} — {range}", "ROI multiple (top) and AI and human cost per task (bottom), per month; the dotted line marks a baseline change, the dashed one break-even (1x).", outcome);
    }

    private static Reply ToReply(string title, string legend, ChartOutcome outcome) => outcome.Chart is { } chart
        ? new Reply(title) { Body = [legend], Charts = [chart] }
        : new Reply(title) { Body = [outcome.Sentence!] };
}
