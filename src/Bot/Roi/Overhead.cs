namespace Bot.Roi;

/// <summary>Fixed monthly cost of running a feature (hosting, evals, upkeep), spread over its tasks.</summary>
internal sealed record Overhead(string Feature, decimal MonthlyAmount, DateTimeOffset EffectiveFrom, string SetBy, DateTimeOffset SetAt)
{
    public static Overhead? InEffect(IEnumerable<Overhead> history, DateTimeOffset instant) =>
        history.Where(o => o.EffectiveFrom < instant).OrderBy(o => o.EffectiveFrom).ThenBy(o => o.SetAt).LastOrDefault();

    /// <summary>The overhead in effect now, including one that starts at this very instant.</summary>
    public static Overhead? Current(IEnumerable<Overhead> history, DateTimeOffset now) => InEffect(history, now.AddTicks(1));
}
