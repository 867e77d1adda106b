using System.Globalization;

namespace Bot.Roi;

/// <summary>
/// Money is <see cref="decimal"/> US dollars in code and integer nano-dollars (1e-9 USD) in storage.
/// Rounding happens only here, when a value is shown.
/// </summary>
internal static class Money
{
    public const long NanosPerDollar = 1_000_000_000;

    public static long ToNanos(decimal dollars) =>
        (long)decimal.Round(dollars * NanosPerDollar, 0, MidpointRounding.AwayFromZero);

    public static decimal FromNanos(long nanos) => nanos / (decimal)NanosPerDollar;

    /// <summary>
    /// $1,234.57 from a dollar up; below a dollar, two significant digits with at least cents, so small costs stay
    /// visible and are not rounded by a fifth: $0.000032, $0.008, $0.025, $0.16 — never $0.00.
    /// </summary>
    public static string Format(decimal dollars)
    {
        var sign = dollars < 0 ? "-" : string.Empty;
        var value = Math.Abs(dollars);
        if (value == 0)
        {
            return "$0.00";
        }

        if (value >= 1m)
        {
            return sign + "$" + decimal.Round(value, 2, MidpointRounding.AwayFromZero).ToString("#,##0.00", CultureInfo.InvariantCulture);
        }

        var magnitude = (int)Math.Floor(Math.Log10((double)value));
        var decimals = Math.Clamp(-magnitude + 1, 2, 12);
        var rounded = decimal.Round(value, decimals, MidpointRounding.AwayFromZero);
        return sign + "$" + rounded.ToString("0.00##########", CultureInfo.InvariantCulture);
    }

    /// <summary>55,556x; 66.7x below 100; 1.25x below 10.</summary>
    public static string FormatMultiple(decimal multiple)
    {
        var decimals = multiple switch
        {
            >= 100 => 0,
            >= 10 => 1,
            _ => 2,
        };
        var format = decimals == 0 ? "#,##0" : "#,##0." + new string('0', decimals);
        return decimal.Round(multiple, decimals, MidpointRounding.AwayFromZero).ToString(format, CultureInfo.InvariantCulture) + "x";
    }

    public static string FormatCount(long count) => count.ToString("#,##0", CultureInfo.InvariantCulture);

    /// <summary>A count with its noun: "1 record", "2,000 records".</summary>
    public static string FormatCount(long count, string one, string many) => $"{FormatCount(count)} {(count == 1 ? one : many)}";
}
