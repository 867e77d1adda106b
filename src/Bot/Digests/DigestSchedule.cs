using Bot.Roi;
using Microsoft.Extensions.Options;
using Quartz;

namespace Bot.Digests;

/// <summary>
/// When each kind of digest fires: the configured cron, resolved in the reporting time zone. The Quartz triggers
/// and the catch-up after downtime both read it here, so they cannot disagree about which fire owes which period.
/// </summary>
internal sealed class DigestSchedule(IOptions<DigestOptions> options, ReportingClock clock)
{
    private readonly CronExpression monthly = Parse(options.Value.MonthlyCron, clock.Zone);
    private readonly CronExpression quarterly = Parse(options.Value.QuarterlyCron, clock.Zone);

    public TimeZoneInfo Zone => clock.Zone;

    public CronExpression Cron(DigestKind kind) => kind == DigestKind.Monthly ? monthly : quarterly;

    public static CronExpression Parse(string cron, TimeZoneInfo zone) => new(cron, zone);

    public DateTimeOffset? NextFireAfter(DigestKind kind, DateTimeOffset instant) => Cron(kind).GetNextValidTimeAfter(instant);

    /// <summary>Fire times after <paramref name="after"/> (exclusive) up to <paramref name="until"/> (inclusive), oldest first.</summary>
    public IReadOnlyList<DateTimeOffset> FiresBetween(DigestKind kind, DateTimeOffset after, DateTimeOffset until) =>
        FiresBetween(Cron(kind), after, until);

    public static IReadOnlyList<DateTimeOffset> FiresBetween(CronExpression cron, DateTimeOffset after, DateTimeOffset until)
    {
        var fires = new List<DateTimeOffset>();
        var next = cron.GetNextValidTimeAfter(after);
        while (next is { } fire && fire <= until)
        {
            fires.Add(fire);
            next = cron.GetNextValidTimeAfter(fire);
        }

        return fires;
    }

    /// <summary>The period a fire at <paramref name="fire"/> posts: the last complete one on that local day.</summary>
    public ReportingPeriod PeriodOf(DigestKind kind, DateTimeOffset fire) => kind.CompletePeriodBefore(clock.LocalDay(fire));

    /// <summary>"2027-01-01 09:00 Europe/Berlin".</summary>
    public string Describe(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, clock.Zone).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " " + clock.Zone.Id;
}
