using Bot.Roi;

namespace Bot.Digests;

internal enum DigestKind
{
    Monthly,
    Quarterly,
}

internal static class DigestKinds
{
    public static IReadOnlyList<DigestKind> All { get; } = [DigestKind.Monthly, DigestKind.Quarterly];

    /// <summary>The word users type and the value stored: `monthly` or `quarterly`.</summary>
    public static string Name(this DigestKind kind) => kind == DigestKind.Monthly ? "monthly" : "quarterly";

    public static bool TryParse(string text, out DigestKind kind)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "monthly":
            case "month":
                kind = DigestKind.Monthly;
                return true;
            case "quarterly":
            case "quarter":
                kind = DigestKind.Quarterly;
                return true;
            default:
                kind = default;
                return false;
        }
    }

    public static DigestKind Parse(string stored) =>
        TryParse(stored, out var kind) ? kind : throw new InvalidOperationException($"Unknown digest kind '{stored}' in the database.");

    public static PeriodKind PeriodKind(this DigestKind kind) => kind == DigestKind.Monthly ? Roi.PeriodKind.Month : Roi.PeriodKind.Quarter;

    public static DigestKind ForPeriod(ReportingPeriod period) => period.Kind == Roi.PeriodKind.Month ? DigestKind.Monthly : DigestKind.Quarterly;

    /// <summary>The last complete period of this kind on a local day: what a digest posted that day is about.</summary>
    public static ReportingPeriod CompletePeriodBefore(this DigestKind kind, DateOnly localDay) => kind == DigestKind.Monthly
        ? ReportingPeriod.MonthOf(localDay).Previous()
        : ReportingPeriod.QuarterOf(localDay).Previous();

    /// <summary>"months" or "quarters", for "negative for 3 months".</summary>
    public static string PeriodNoun(this DigestKind kind, int count) => (kind, count) switch
    {
        (DigestKind.Monthly, 1) => "month",
        (DigestKind.Monthly, _) => "months",
        (_, 1) => "quarter",
        _ => "quarters",
    };
}
