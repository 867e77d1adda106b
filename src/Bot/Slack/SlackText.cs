namespace Bot.Slack;

/// <summary>Slack's three control characters in mrkdwn and text fields. Nothing else is HTML-encoded.</summary>
internal static class SlackText
{
    /// <summary>Escapes once, `&amp;` first so that nothing is encoded twice.</summary>
    public static string Escape(string text) => text.AsSpan().IndexOfAny(ControlCharacters) < 0
        ? text
        : text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static readonly System.Buffers.SearchValues<char> ControlCharacters = System.Buffers.SearchValues.Create("&<>");

    /// <summary>Slack sends typed text escaped; undo it before the chat core reads it (`&amp;` last).</summary>
    public static string Unescape(string text) =>
        text.Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);
}
