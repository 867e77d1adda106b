using System.Globalization;
using Bot.Roi;

namespace Bot.Usage.Importers;

/// <summary>
/// Parsing of the cells every format shares. Each returns false with a message fit to show next to the line
/// and field, so every importer words the same mistake the same way.
/// </summary>
internal static class ImportFields
{
    /// <summary>
    /// A token or request count: a whole, non-negative number. Exports write integers as floats (<c>59200.0</c>),
    /// so a zero fraction is accepted; <c>10.5</c> tokens is not a count.
    /// </summary>
    public static bool TryParseCount(ReadOnlySpan<char> text, out long value, out string problem)
    {
        problem = string.Empty;
        text = text.Trim();
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            problem = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var huge) && double.IsFinite(huge) && huge > 0
                ? UsageValidation.TooLarge(text.ToString()).TrimEnd('.')
                : $"'{UsageValidation.Echo(text.ToString())}' is not a number";
            return false;
        }

        if (number < 0)
        {
            problem = $"{UsageValidation.Echo(text.ToString())} is negative; counts are 0 or more";
            return false;
        }

        if (number != decimal.Truncate(number))
        {
            problem = $"{UsageValidation.Echo(text.ToString())} is not a whole number of tokens";
            return false;
        }

        if (number > long.MaxValue)
        {
            problem = UsageValidation.TooLarge(text.ToString()).TrimEnd('.');
            return false;
        }

        value = (long)number;
        return true;
    }

    /// <summary>A cost in US dollars, as written by the provider: plain or exponent notation, never negative.</summary>
    public static bool TryParseCost(ReadOnlySpan<char> text, out decimal value, out string problem)
    {
        problem = string.Empty;
        text = text.Trim();
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            problem = $"'{UsageValidation.Echo(text.ToString())}' is not an amount in US dollars (write 0.0125, without a currency sign)";
            return false;
        }

        if (value < 0)
        {
            problem = $"{UsageValidation.Echo(text.ToString())} is negative";
            return false;
        }

        return true;
    }

    /// <summary>
    /// An ISO 8601 instant with an explicit zone, such as 2026-11-03T14:05:00Z or 2026-11-03T15:05:00+01:00 (the rule
    /// of POST /api/usage: a zone-less time would depend on the machine that wrote it). Always returned in UTC.
    /// </summary>
    public static bool TryParseTimestamp(string text, out DateTimeOffset value, out string problem)
    {
        problem = string.Empty;
        if (TryParseUtcSeconds(text, out value))
        {
            return true;
        }

        if (JsonItems.TryIsoInstant(text, out value, out problem))
        {
            return true;
        }

        // The importers' messages carry no final full stop.
        problem = problem.TrimEnd('.');
        return false;
    }

    /// <summary>
    /// The common shape <c>2026-11-03T14:05:00Z</c> read without the general parser, which is a quarter of a large
    /// import's parsing time. Anything else falls through to it.
    /// </summary>
    private static bool TryParseUtcSeconds(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length != 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':' || text[19] != 'Z')
        {
            return false;
        }

        if (!TryDigits(text[..4], out var year) || !TryDigits(text[5..7], out var month) || !TryDigits(text[8..10], out var day)
            || !TryDigits(text[11..13], out var hour) || !TryDigits(text[14..16], out var minute) || !TryDigits(text[17..19], out var second))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        value = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> digits, out int number)
    {
        number = 0;
        foreach (var digit in digits)
        {
            if (!char.IsAsciiDigit(digit))
            {
                return false;
            }

            number = (number * 10) + (digit - '0');
        }

        return true;
    }

    /// <summary>Unix seconds, as the OpenAI exports write bucket starts (sometimes as <c>1759622400.0</c>).</summary>
    public static bool TryParseUnixSeconds(ReadOnlySpan<char> text, out DateTimeOffset value, out string problem)
    {
        value = default;
        if (!TryParseCount(text, out var seconds, out problem))
        {
            problem = $"{problem} (expected Unix seconds)";
            return false;
        }

        if (seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            problem = $"{seconds} is too large for Unix seconds";
            return false;
        }

        value = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    public static bool TryParseFeature(string text, out string feature, out string problem)
    {
        problem = string.Empty;
        if (FeatureName.TryNormalize(text, out feature))
        {
            return true;
        }

        problem = $"'{UsageValidation.Echo(text)}' is not a feature name: {FeatureName.Rule}";
        return false;
    }
}
