using System.Net;
using System.Text.RegularExpressions;

namespace Bot.Teams;

/// <summary>
/// Removes @mentions from a Teams message (protocols.md B1): each mention entity's exact text, else
/// `&lt;at&gt;name&lt;/at&gt;`, then any `&lt;at&gt;…&lt;/at&gt;` left over (clients do not always send matching entity
/// text); then HTML entities are decoded and runs of spaces collapsed.
/// </summary>
internal static partial class TeamsMentions
{
    public static string Strip(string? text, IReadOnlyList<ActivityEntity>? entities)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var stripped = text;
        foreach (var mention in (entities ?? []).Where(e => string.Equals(e.Type, "mention", StringComparison.OrdinalIgnoreCase)))
        {
            if (!string.IsNullOrEmpty(mention.Text))
            {
                stripped = stripped.Replace(mention.Text, string.Empty, StringComparison.Ordinal);
            }
            else if (!string.IsNullOrEmpty(mention.Mentioned?.Name))
            {
                stripped = stripped.Replace($"<at>{mention.Mentioned.Name}</at>", string.Empty, StringComparison.Ordinal);
            }
        }

        stripped = AtTag().Replace(stripped, string.Empty);
        stripped = WebUtility.HtmlDecode(stripped);
        return Spaces().Replace(stripped, " ").Trim();
    }

    [GeneratedRegex(@"<at\b[^>]*>.*?</at>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex AtTag();

    [GeneratedRegex(@"[ \t\u00A0]{2,}")]
    private static partial Regex Spaces();
}
