namespace Bot.Chat;

/// <summary>
/// What every command answers with, platform-neutral. All text is plain and unescaped:
/// each adapter escapes for its own markup exactly once when it renders.
/// </summary>
internal sealed record Reply(string Title)
{
    /// <summary>Paragraphs shown under the title (help text, explanations).</summary>
    public IReadOnlyList<string> Body { get; init; } = [];
    public IReadOnlyList<ReplyTable> Tables { get; init; } = [];
    public IReadOnlyList<Highlight> Highlights { get; init; } = [];
    public string? Footnote { get; init; }
    /// <summary>Pictures shown after the text, in order (a digest carries one per flagged feature).</summary>
    public IReadOnlyList<ReplyChart> Charts { get; init; } = [];

    /// <summary>True when the reply explains a mistake in what the user typed.</summary>
    public bool IsError { get; init; }

    public static Reply Error(string title, params string[] body) => new(title) { Body = body, IsError = true };
}

internal sealed record ReplyTable(IReadOnlyList<ReplyColumn> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    public string? Caption { get; init; }

    /// <summary>An optional last row, rendered apart from the others (totals).</summary>
    public IReadOnlyList<string>? Totals { get; init; }
}

internal sealed record ReplyColumn(string Header, bool AlignRight = false);

internal enum HighlightKind
{
    Info,
    Warning,
    Negative,
}

internal sealed record Highlight(HighlightKind Kind, string Text);

/// <summary>A rendered picture; <see cref="AltText"/> is what text-only channels show instead.</summary>
internal sealed record ReplyChart(byte[] Png, string AltText, string FileName);
