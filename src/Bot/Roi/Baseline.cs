namespace Bot.Roi;

/// <summary>
/// What the same task costs a person: minutes × fully loaded hourly rate, or a fixed amount per task.
/// <see cref="ReviewMinutes"/> is the human time still spent checking each AI result; it is added to the AI side.
/// </summary>
internal sealed record Baseline(
    string Feature,
    decimal? Minutes,
    decimal? HourlyRate,
    decimal? FixedAmount,
    decimal ReviewMinutes,
    string? Unit,
    DateTimeOffset EffectiveFrom,
    string SetBy,
    DateTimeOffset SetAt)
{
    public decimal HumanCostPerTask => FixedAmount ?? (Minutes!.Value * HourlyRate!.Value / 60m);

    /// <summary>Review time priced at the baseline's rate; zero for a fixed-amount baseline with no rate.</summary>
    public decimal ReviewCostPerTask => HourlyRate is { } rate ? ReviewMinutes * rate / 60m : 0m;

    public string Describe()
    {
        var human = FixedAmount is { } amount
            ? $"{Money.Format(amount)}/task"
            : $"{Minutes!.Value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} min @ {Money.Format(HourlyRate!.Value)}/h = {Money.Format(HumanCostPerTask)}/task";
        if (ReviewMinutes > 0)
        {
            human += $", review {ReviewMinutes.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} min";
        }

        return human;
    }

    /// <summary>The baseline as typed in chat after the feature: `20m @ $50/h review 5m`, `$0.40/task`.</summary>
    public string ChatForm()
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        var form = FixedAmount is { } amount ? $"{Money.Format(amount)}/task" : $"{Minutes!.Value.ToString("0.##", invariant)}m @ {Money.Format(HourlyRate!.Value)}/h";
        return ReviewMinutes > 0 ? $"{form} review {ReviewMinutes.ToString("0.##", invariant)}m" : form;
    }

    /// <summary>The baseline in effect at <paramref name="instant"/>: the latest that started before it.</summary>
    public static Baseline? InEffect(IEnumerable<Baseline> history, DateTimeOffset instant) =>
        history.Where(b => b.EffectiveFrom < instant).OrderBy(b => b.EffectiveFrom).ThenBy(b => b.SetAt).LastOrDefault();

    /// <summary>The baseline in effect now, including one that starts at this very instant.</summary>
    public static Baseline? Current(IEnumerable<Baseline> history, DateTimeOffset now) => InEffect(history, now.AddTicks(1));
}
