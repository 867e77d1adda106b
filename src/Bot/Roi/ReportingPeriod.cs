using System.Globalization;
using System.Text.RegularExpressions;

namespace Bot.Roi;

internal enum PeriodKind
{
    Month,
    Quarter,
}

/// <summary>A calendar month or quarter in the reporting time zone. Days are local calendar days.</summary>
internal readonly partial record struct ReportingPeriod(PeriodKind Kind, int Year, int Number)
{
    public static ReportingPeriod Month(int year, int month) => new(PeriodKind.Month, year, month);

    public static ReportingPeriod Quarter(int year, int quarter) => new(PeriodKind.Quarter, year, quarter);

    public static ReportingPeriod MonthOf(DateOnly day) => Month(day.Year, day.Month);

    public static ReportingPeriod QuarterOf(DateOnly day) => Quarter(day.Year, ((day.Month - 1) / 3) + 1);

    /// <summary>First local day of the period.</summary>
    public DateOnly FirstDay => Kind == PeriodKind.Month
        ? new DateOnly(Year, Number, 1)
        : new DateOnly(Year, ((Number - 1) * 3) + 1, 1);

    /// <summary>First local day after the period.</summary>
    public DateOnly EndDay => Kind == PeriodKind.Month ? FirstDay.AddMonths(1) : FirstDay.AddMonths(3);

    public string Label => Kind == PeriodKind.Month
        ? string.Create(CultureInfo.InvariantCulture, $"{Year:0000}-{Number:00}")
        : string.Create(CultureInfo.InvariantCulture, $"{Year:0000}-Q{Number}");

    /// <summary>"November 2026" or "Q3 2026", for titles.</summary>
    public string DisplayName => Kind == PeriodKind.Month
        ? FirstDay.ToString("MMMM yyyy", CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"Q{Number} {Year}");

    public ReportingPeriod Previous() => Kind == PeriodKind.Month
        ? MonthOf(FirstDay.AddMonths(-1))
        : QuarterOf(FirstDay.AddMonths(-3));

    public ReportingPeriod Next() => Kind == PeriodKind.Month ? MonthOf(EndDay) : QuarterOf(EndDay);

    /// <summary>The months the period is made of (one for a month, three for a quarter).</summary>
    public IReadOnlyList<ReportingPeriod> Months()
    {
        if (Kind == PeriodKind.Month)
        {
            return [this];
        }

        var first = FirstDay;
        return [MonthOf(first), MonthOf(first.AddMonths(1)), MonthOf(first.AddMonths(2))];
    }

    public bool Contains(DateOnly day) => day >= FirstDay && day < EndDay;

    /// <summary>The UTC instant the period starts, at local midnight of its first day.</summary>
    public DateTimeOffset StartUtc(TimeZoneInfo zone) => LocalMidnightUtc(FirstDay, zone);

    /// <summary>The UTC instant the period ends (exclusive).</summary>
    public DateTimeOffset EndUtc(TimeZoneInfo zone) => LocalMidnightUtc(EndDay, zone);

    public override string ToString() => Label;

    /// <summary>
    /// Midnight of a local day as a UTC instant. Where a zone skips midnight (DST at 00:00) the day starts at the
    /// first local time that exists.
    /// </summary>
    public static DateTimeOffset LocalMidnightUtc(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>
    /// Reads `2026-11`, `2026-Q3`, `this-month` (to date), `last-month`, `this-quarter`, `last-quarter`.
    /// </summary>
    public static bool TryParse(string text, DateOnly today, out ReportingPeriod period)
    {
        period = default;
        var value = text.Trim().ToLowerInvariant();
        switch (value)
        {
            case "this-month":
                period = MonthOf(today);
                return true;
            case "last-month":
                period = MonthOf(today).Previous();
                return true;
            case "this-quarter":
                period = QuarterOf(today);
                return true;
            case "last-quarter":
                period = QuarterOf(today).Previous();
                return true;
        }

        var month = MonthPattern().Match(value);
        if (month.Success)
        {
            var year = int.Parse(month.Groups[1].Value, CultureInfo.InvariantCulture);
            var number = int.Parse(month.Groups[2].Value, CultureInfo.InvariantCulture);
            if (year is < 2000 or > 2999 || number is < 1 or > 12)
            {
                return false;
            }

            period = Month(year, number);
            return true;
        }

        var quarter = QuarterPattern().Match(value);
        if (quarter.Success)
        {
            var year = int.Parse(quarter.Groups[1].Value, CultureInfo.InvariantCulture);
            var number = int.Parse(quarter.Groups[2].Value, CultureInfo.InvariantCulture);
            if (year is < 2000 or > 2999 || number is < 1 or > 4)
            {
                return false;
            }

            period = Quarter(year, number);
            return true;
        }

        return false;
    }

    /// <summary>Why <paramref name="text"/> is not a period, in words.</summary>
    public static string Problem(string text)
    {
        var year = YearPrefix().Match(text.Trim());
        if (year.Success && int.TryParse(year.Groups[1].Value, CultureInfo.InvariantCulture, out var y) && (y < 2000 || y > 2999))
        {
            return $"'{text.Trim()}' is out of range: years from 2000 to 2999 only.";
        }

        return $"'{(text.Length > 40 ? text[..40] + "…" : text)}' is not a period I know.";
    }

    /// <summary>True for words that look like an attempt at a period, so a bad one gets a reason, not "unknown feature".</summary>
    public static bool LooksLikePeriod(string text) => LooksLikePeriodPattern().IsMatch(text.Trim());

    public const string Forms = "`2026-11`, `2026-Q3`, `this-month`, `last-month`, `this-quarter` or `last-quarter`";

    [GeneratedRegex(@"^(\d{4})-(\d{1,2})$")]
    private static partial Regex MonthPattern();

    [GeneratedRegex(@"^(\d{4})-")]
    private static partial Regex YearPrefix();

    [GeneratedRegex(@"^(\d{4})-q(\d)$")]
    private static partial Regex QuarterPattern();

    [GeneratedRegex(@"^(\d{4}-|this-|last-|next-)", RegexOptions.IgnoreCase)]
    private static partial Regex LooksLikePeriodPattern();
}
