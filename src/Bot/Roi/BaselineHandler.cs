using Bot.Chat;

namespace Bot.Roi;

/// <summary>
/// `roi baseline &lt;feature&gt; 20m @ $50/h [review 5m] [unit "meeting summarized"] [from 2026-11-01]`,
/// `roi baseline &lt;feature&gt; $0.40/task`, and `roi baseline &lt;feature&gt;` to show the current one and its history.
/// A feature's first baseline applies to all its history; a later one starts now unless `from` says when.
/// </summary>
internal sealed class BaselineHandler(BaselineStore store, ReportingClock clock) : ICommandHandler
{
    public const string CommandName = "baseline";
    public const decimal MaxMinutes = 10_080; // a working week of one person's time per task is already absurd
    public const decimal MaxHourlyRate = 10_000;
    public const decimal MaxPerTask = 1_000_000;

    private static readonly string[] Keywords = ["review", "unit", "from"];

    public string Name => CommandName;

    public IReadOnlyList<string> Usage { get; } =
    [
        "roi baseline <feature> <minutes>m @ $<rate>/h [review <minutes>m] [unit \"<task unit>\"] [from <yyyy-mm-dd>]",
        "roi baseline <feature> $<amount>/task",
        "roi baseline <new-feature> new ... (when the name is close to one I know)",
        "roi baseline <feature>",
    ];

    public string Summary => "set (or show) what the same task costs a person";

    public async Task<Reply> HandleAsync(CommandContext context, CommandArguments arguments, CancellationToken cancellationToken)
    {
        if (arguments.Count == 0)
        {
            return WrongForm("Which feature?");
        }

        if (!FeatureName.TryNormalize(arguments[0], out var feature))
        {
            return WrongForm($"'{arguments[0]}' is not a feature name: use {FeatureName.Rule}.");
        }

        var all = await store.AllBaselinesAsync(cancellationToken);
        if (arguments.Count == 1)
        {
            return Show(feature, all[feature].ToList());
        }

        // A typo of a known feature must not quietly register a new one: `new` says the name is meant.
        var words = arguments.Skip(1).Words.ToList();
        var isNew = words.RemoveAll(w => w.Equals("new", StringComparison.OrdinalIgnoreCase)) > 0;
        var known = await store.FeatureNamesAsync(cancellationToken);
        if (!isNew && !known.Contains(feature))
        {
            var close = FeatureName.Suggest(feature, known);
            if (close.Count > 0)
            {
                return Reply.Error(
                    $"I don't know the feature '{feature}'",
                    $"Did you mean {string.Join(" or ", close.Select(s => $"`{s}`"))}?",
                    $"To register '{feature}' as a new feature, add `new`: `roi baseline {feature} new {string.Join(' ', words)}`.");
            }
        }

        var parts = Split(new CommandArguments(words));
        var main = string.Join(string.Empty, parts.Main);
        decimal? minutes = null, rate = null, fixedAmount = null;
        if (main.Contains('@', StringComparison.Ordinal))
        {
            var at = main.IndexOf('@', StringComparison.Ordinal);
            if (!AmountParser.TryMinutes(main[..at], out var m) || !AmountParser.TryHourlyRate(main[(at + 1)..], out var r))
            {
                return WrongForm($"I could not read '{string.Join(' ', parts.Main)}' as minutes @ hourly rate.");
            }

            if (m <= 0 || m > MaxMinutes)
            {
                return WrongForm($"Minutes per task must be more than 0 and at most {MaxMinutes:#,##0}; got {m}.");
            }

            if (r <= 0 || r > MaxHourlyRate)
            {
                return WrongForm($"The hourly rate must be more than $0 and at most {Money.Format(MaxHourlyRate)}/h; got {r}.");
            }

            (minutes, rate) = (m, r);
        }
        else if (AmountParser.TryPerTask(main, out var amount))
        {
            if (amount <= 0 || amount > MaxPerTask)
            {
                return WrongForm($"The amount per task must be more than $0 and at most {Money.Format(MaxPerTask)}; got {amount}.");
            }

            fixedAmount = amount;
        }
        else
        {
            return WrongForm($"I could not read '{string.Join(' ', parts.Main)}'.");
        }

        var review = 0m;
        if (parts.Options.TryGetValue("review", out var reviewText))
        {
            if (!AmountParser.TryMinutes(reviewText, out review) || review < 0 || review > MaxMinutes)
            {
                return WrongForm($"Review time must look like `review 5m` (0 to {MaxMinutes:#,##0} minutes); got '{reviewText}'.");
            }

            if (rate is null && review > 0)
            {
                return WrongForm("Review time needs an hourly rate to be priced: use the `<minutes>m @ $<rate>/h` form.");
            }
        }

        string? unit = null;
        if (parts.Options.TryGetValue("unit", out var unitText))
        {
            unit = unitText.Trim();
            if (unit.Length is 0 or > 80)
            {
                return WrongForm("The unit must be 1 to 80 characters, for example unit \"meeting summarized\".");
            }
        }

        var history = all[feature].ToList();
        var now = clock.UtcNow;
        DateTimeOffset effectiveFrom;
        if (parts.Options.TryGetValue("from", out var fromText))
        {
            if (!AmountParser.TryDate(fromText, out var fromDay, out var dateProblem))
            {
                return WrongForm(dateProblem);
            }

            effectiveFrom = ReportingPeriod.LocalMidnightUtc(fromDay, clock.Zone);
        }
        else
        {
            effectiveFrom = history.Count == 0 ? DateTimeOffset.UnixEpoch : now;
        }

        unit ??= history.LastOrDefault()?.Unit;
        var baseline = new Baseline(feature, minutes, rate, fixedAmount, review, unit, effectiveFrom, context.UserName, now);
        await store.AddBaselineAsync(baseline, cancellationToken);

        var since = effectiveFrom == DateTimeOffset.UnixEpoch ? "for all periods (first baseline)" : $"from {clock.LocalDay(effectiveFrom):yyyy-MM-dd}";
        return new Reply($"Baseline set for {feature}")
        {
            Body = [$"A person costs {baseline.Describe()}{(unit is null ? string.Empty : $" per {unit}")}, {since}.", $"Set by {context.UserName}. `roi {feature}` shows its ROI."],
        };
    }

    private Reply Show(string feature, IReadOnlyList<Baseline> history)
    {
        if (history.Count == 0)
        {
            return new Reply($"{feature} has no baseline")
            {
                Body = [$"Set one: `roi baseline {feature} 20m @ $50/h` (minutes a person takes × fully loaded hourly rate), or `roi baseline {feature} $0.40/task`."],
            };
        }

        var current = Baseline.Current(history, clock.UtcNow) ?? history[^1];
        var rows = history.Reverse().Select(b => (IReadOnlyList<string>)
        [
            b.EffectiveFrom == DateTimeOffset.UnixEpoch ? "always" : clock.LocalDay(b.EffectiveFrom).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            b.Describe(),
            b.Unit ?? string.Empty,
            b.SetBy,
            b.SetAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
        ]).ToList();
        return new Reply($"Baseline for {feature}")
        {
            Body = [$"Now: {current.Describe()}{(current.Unit is { } unit ? $" per {unit}" : string.Empty)}."],
            Tables = [new ReplyTable([new("From"), new("Human cost"), new("Unit"), new("Set by"), new("Set at")], rows) { Caption = "History" }],
        };
    }

    private Reply WrongForm(string problem) => Reply.Error(problem, ["Forms:", .. Usage.Select(u => $"`{u}`"), "Example: `roi baseline meeting-summary 20m @ $50/h review 5m`"]);

    /// <summary>Splits the words after the feature into the amount and the keyword options that follow it.</summary>
    private static (List<string> Main, Dictionary<string, string> Options) Split(CommandArguments arguments)
    {
        var main = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? key = null;
        foreach (var word in arguments.Words)
        {
            if (Keywords.Contains(word, StringComparer.OrdinalIgnoreCase))
            {
                key = word.ToLowerInvariant();
                options[key] = string.Empty;
                continue;
            }

            if (key is null)
            {
                main.Add(word);
            }
            else
            {
                options[key] = options[key].Length == 0 ? word : options[key] + " " + word;
            }
        }

        return (main, options);
    }
}
