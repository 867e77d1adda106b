using System.Text.RegularExpressions;

namespace Bot.Roi;

/// <summary>Feature ids are lower case: letters, digits, '-', '_' and '.', up to 64 characters.</summary>
internal static partial class FeatureName
{
    public const string Rule = "letters, digits, '-', '_' or '.', up to 64 characters (for example meeting-summary)";

    public static bool TryNormalize(string? text, out string feature)
    {
        feature = (text ?? string.Empty).Trim().ToLowerInvariant();
        return Pattern().IsMatch(feature);
    }

    /// <summary>The known names closest to <paramref name="text"/>, for "did you mean …".</summary>
    public static IReadOnlyList<string> Suggest(string text, IEnumerable<string> known)
    {
        var wanted = text.Trim().ToLowerInvariant();
        return known
            // Containment only counts for three letters or more: "x" is inside too many names to mean any of them.
            .Select(name => (Name: name, Distance: Distance(wanted, name), Contains: wanted.Length >= 3 && name.Length >= 3 && (name.Contains(wanted, StringComparison.Ordinal) || wanted.Contains(name, StringComparison.Ordinal))))
            .Where(c => c.Contains || c.Distance <= Math.Max(2, wanted.Length / 3))
            .OrderBy(c => c.Contains ? 0 : 1).ThenBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(3)
            .Select(c => c.Name)
            .ToList();
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex Pattern();
}
