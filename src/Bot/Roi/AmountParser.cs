using System.Globalization;
using System.Text.RegularExpressions;

namespace Bot.Roi;

/// <summary>Reads the small numbers people type in chat: `20m`, `1.5 min`, `$50/h`, `$0.40/task`, `$1,200/month`.</summary>
internal static partial class AmountParser
{
    public static bool TryMinutes(string text, out decimal minutes) =>
        TryNumber(MinutesPattern().Match(Squash(text)), out minutes);

    public static bool TryHourlyRate(string text, out decimal rate) =>
        TryNumber(RatePattern().Match(Squash(text)), out rate);

    public static bool TryPerTask(string text, out decimal amount) =>
        TryNumber(PerTaskPattern().Match(Squash(text)), out amount);

    public static bool TryPerMonth(string text, out decimal amount) =>
        TryNumber(PerMonthPattern().Match(Squash(text)), out amount);

    public static bool TryDollars(string text, out decimal amount) =>
        TryNumber(DollarsPattern().Match(Squash(text)), out amount);

    public const int MinYear = 2000;
    public const int MaxYear = 2999;

    /// <summary>A yyyy-mm-dd date; <paramref name="problem"/> says why not (not a date, or a year out of range).</summary>
    public static bool TryDate(string text, out DateOnly date, out string problem)
    {
        problem = string.Empty;
        if (!DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            problem = $"'{Clip(text)}' is not a date: use yyyy-mm-dd, for example from 2026-11-01.";
            return false;
        }

        if (date.Year is < MinYear or > MaxYear)
        {
            problem = $"{date:yyyy-MM-dd} is out of range: dates from {MinYear} to {MaxYear} only.";
            return false;
        }

        return true;
    }

    /// <summary>Shortens what a user typed before it is quoted back.</summary>
    public static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string Squash(string text) => WhiteSpace().Replace(text.Trim().ToLowerInvariant(), string.Empty);

    private static bool TryNumber(Match match, out decimal value)
    {
        value = 0;
        return match.Success && decimal.TryParse(match.Groups["n"].Value.Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    [GeneratedRegex(@"^(?<n>-?\d+(\.\d+)?)(m|min|mins|minute|minutes)$")]
    private static partial Regex MinutesPattern();

    [GeneratedRegex(@"^\$?(?<n>-?\d[\d,]*(\.\d+)?)(/|per)(h|hr|hour)$")]
    private static partial Regex RatePattern();

    [GeneratedRegex(@"^\$?(?<n>-?\d[\d,]*(\.\d+)?)(/|per)task$")]
    private static partial Regex PerTaskPattern();

    [GeneratedRegex(@"^\$?(?<n>-?\d[\d,]*(\.\d+)?)(/|per)(month|mo)$")]
    private static partial Regex PerMonthPattern();

    [GeneratedRegex(@"^\$?(?<n>-?\d[\d,]*(\.\d+)?)$")]
    private static partial Regex DollarsPattern();
}
