using Bot.Chat;

namespace Bot.Roi;

/// <summary>`roi overhead &lt;feature&gt; $&lt;amount&gt;/month [from yyyy-mm-dd]`: fixed monthly cost spread over the feature's tasks.</summary>
internal sealed class OverheadHandler(BaselineStore store, ReportingClock clock) : ICommandHandler
{
    public const string CommandName = "overhead";
    public const decimal MaxMonthly = 100_000_000;

    public string Name => CommandName;

    public IReadOnlyList<string> Usage { get; } = ["roi overhead <feature> $<amount>/month [from <yyyy-mm-dd>]", "roi overhead <feature>"];

    public string Summary => "fixed monthly cost of running a feature, spread over its tasks";

    public async Task<Reply> HandleAsync(CommandContext context, CommandArguments arguments, CancellationToken cancellationToken)
    {
        if (arguments.Count == 0 || !FeatureName.TryNormalize(arguments[0], out var feature))
        {
            return WrongForm(arguments.Count == 0 ? "Which feature?" : $"'{arguments[0]}' is not a feature name: use {FeatureName.Rule}.");
        }

        // Overhead belongs to a feature the bot already knows: a typo must not create a new one.
        var known = await store.FeatureNamesAsync(cancellationToken);
        if (!known.Contains(feature))
        {
            return ReportHandler.UnknownFeature(arguments[0], known, string.Join(", ", Usage.Select(u => $"`{u}`")));
        }

        var history = (await store.AllOverheadsAsync(cancellationToken))[feature].ToList();
        if (arguments.Count == 1)
        {
            var current = Overhead.Current(history, clock.UtcNow);
            return new Reply($"Overhead of {feature}")
            {
                Body = [current is null ? "None set." : $"{Money.Format(current.MonthlyAmount)}/month, set by {current.SetBy} on {clock.LocalDay(current.SetAt):yyyy-MM-dd}."],
            };
        }

        var words = arguments.Skip(1).Words.ToList();
        var fromIndex = words.FindIndex(w => w.Equals("from", StringComparison.OrdinalIgnoreCase));
        var amountText = string.Join(string.Empty, fromIndex < 0 ? words : words.Take(fromIndex));
        if (!AmountParser.TryPerMonth(amountText, out var amount))
        {
            return WrongForm($"I could not read '{string.Join(' ', fromIndex < 0 ? words : words.Take(fromIndex))}' as an amount per month.");
        }

        if (amount < 0 || amount > MaxMonthly)
        {
            return WrongForm($"The overhead must be $0 to {Money.Format(MaxMonthly)} a month; got {amount}.");
        }

        var now = clock.UtcNow;
        var effectiveFrom = history.Count == 0 ? DateTimeOffset.UnixEpoch : now;
        if (fromIndex >= 0)
        {
            if (fromIndex + 2 != words.Count)
            {
                return WrongForm("`from` takes one date: yyyy-mm-dd, for example from 2026-11-01.");
            }

            if (!AmountParser.TryDate(words[fromIndex + 1], out var day, out var dateProblem))
            {
                return WrongForm(dateProblem);
            }

            effectiveFrom = ReportingPeriod.LocalMidnightUtc(day, clock.Zone);
        }

        await store.AddOverheadAsync(new Overhead(feature, amount, effectiveFrom, context.UserName, now), cancellationToken);
        return new Reply($"Overhead set for {feature}")
        {
            Body = [$"{Money.Format(amount)}/month, spread over the feature's succeeded tasks, {(effectiveFrom == DateTimeOffset.UnixEpoch ? "for all periods" : $"from {clock.LocalDay(effectiveFrom):yyyy-MM-dd}")}. Set by {context.UserName}."],
        };
    }

    private Reply WrongForm(string problem) => Reply.Error(problem, ["Forms:", .. Usage.Select(u => $"`{u}`"), "Example: `roi overhead meeting-summary $300/month`"]);
}
