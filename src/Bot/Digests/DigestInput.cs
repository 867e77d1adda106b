using Bot.Roi;

namespace Bot.Digests;

/// <summary>
/// Everything a digest is built from. <see cref="History"/>[0] is the digest's period, [1] the one before it, and so
/// on (enough to tell a new flag from one that persists); <see cref="Months"/> are a quarter's months, oldest first.
/// </summary>
internal sealed record DigestInput(
    DigestKind Kind,
    IReadOnlyList<PeriodData> History,
    IReadOnlyList<PeriodData> Months,
    TimeZoneInfo Zone,
    decimal DecliningThreshold,
    bool InProgress)
{
    public PeriodData Current => History[0];

    public PeriodData? Previous => History.Count > 1 ? History[1] : null;

    /// <summary>True when the period has any usage or any task, succeeded or failed.</summary>
    public static bool HasData(PeriodData data) =>
        data.Usage.Count > 0 || data.Rows.Any(r => r.SucceededTasks + r.Input.FailedTasks > 0 || r.Input.ApiCost > 0);

    /// <summary>A feature is active in a period when it has usage or tasks then; flags before that are not counted.</summary>
    public static bool IsActive(RoiRow? row) =>
        row is not null && (!row.Has(RoiFlags.NoUsage) || row.SucceededTasks + row.Input.FailedTasks > 0);
}
