using System.Text.Json;
using System.Text.Json.Nodes;
using Bot.Chat;

namespace Bot.Slack;

/// <summary>One chat.postMessage / response_url body: the notification fallback and the Block Kit blocks.</summary>
internal sealed record SlackMessage(string Text, JsonArray Blocks)
{
    /// <summary>The UTF-8 JSON body `{"text", "blocks", ...}`; <paramref name="extra"/> writes the method's own fields.</summary>
    public byte[] ToJsonBytes(Action<Utf8JsonWriter>? extra = null)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("text", Text);
            writer.WritePropertyName("blocks");
            Blocks.WriteTo(writer);
            extra?.Invoke(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>
/// Reply to Block Kit: header, body sections, each table as a monospace section (split by rows, header repeated),
/// highlights, a context footnote. Every piece of reply text is escaped exactly once, here. Slack's limits are kept by
/// splitting, never by cutting: at most 50 blocks per message and 3,000 characters per text field.
/// </summary>
internal static class SlackRenderer
{
    public const int MaxBlocksPerMessage = 50;
    public const int MaxTextLength = 3000;
    public const int MaxHeaderLength = 150;

    private const string Fence = "```";

    public static IReadOnlyList<SlackMessage> Render(Reply reply)
    {
        var title = SlackText.Escape(reply.Title);
        var blocks = new List<JsonObject>();
        if (title.Length <= MaxHeaderLength)
        {
            blocks.Add(new JsonObject { ["type"] = "header", ["text"] = PlainText(title) });
        }
        else
        {
            blocks.AddRange(Sections("*" + title + "*"));
        }

        foreach (var paragraph in reply.Body)
        {
            blocks.AddRange(Sections(SlackText.Escape(paragraph)));
        }

        foreach (var table in reply.Tables)
        {
            if (table.Caption is { } caption)
            {
                blocks.AddRange(Sections("*" + SlackText.Escape(caption) + "*"));
            }

            blocks.AddRange(TableSections(table));
        }

        if (reply.Highlights.Count > 0)
        {
            var lines = reply.Highlights.Select(h => "• " + Emoji(h.Kind) + " " + SlackText.Escape(h.Text));
            blocks.AddRange(Sections(string.Join('\n', lines)));
        }

        if (reply.Footnote is { } footnote)
        {
            foreach (var part in Split(SlackText.Escape(footnote), MaxTextLength))
            {
                blocks.Add(new JsonObject { ["type"] = "context", ["elements"] = new JsonArray(Mrkdwn(part)) });
            }
        }

        return Paginate(title, blocks);
    }

    /// <summary>The first message holds 50 blocks; each later one starts with a "continued" line and holds 49 more.</summary>
    private static List<SlackMessage> Paginate(string title, List<JsonObject> blocks)
    {
        var pages = new List<List<JsonObject>> { blocks.Take(MaxBlocksPerMessage).ToList() };
        for (var next = MaxBlocksPerMessage; next < blocks.Count; next += MaxBlocksPerMessage - 1)
        {
            pages.Add(blocks.Skip(next).Take(MaxBlocksPerMessage - 1).ToList());
        }

        var messages = new List<SlackMessage>();
        for (var i = 0; i < pages.Count; i++)
        {
            var text = pages.Count == 1 ? title : $"{title} ({i + 1}/{pages.Count})";
            var page = new JsonArray();
            if (i > 0)
            {
                page.Add(new JsonObject { ["type"] = "context", ["elements"] = new JsonArray(Mrkdwn($"_{title}, continued ({i + 1}/{pages.Count})_")) });
            }

            foreach (var block in pages[i])
            {
                page.Add(block);
            }

            messages.Add(new SlackMessage(text, page));
        }

        return messages;
    }

    /// <summary>Rows in a code block, as many per section as fit; each section repeats the column headers.</summary>
    private static IEnumerable<JsonObject> TableSections(ReplyTable table)
    {
        var lines = PlainTextRenderer.RenderTable(table).TrimEnd('\n').Split('\n').Select(SlackText.Escape).ToList();
        var head = lines.Take(2).ToList();
        var budget = MaxTextLength - (2 * Fence.Length) - 2 - head.Sum(l => l.Length + 1);
        var chunk = new List<string>();
        var used = 0;
        foreach (var line in lines.Skip(2))
        {
            foreach (var piece in Split(line, budget))
            {
                if (chunk.Count > 0 && used + piece.Length + 1 > budget)
                {
                    yield return Section(CodeBlock(head, chunk));
                    chunk.Clear();
                    used = 0;
                }

                chunk.Add(piece);
                used += piece.Length + 1;
            }
        }

        yield return Section(CodeBlock(head, chunk));
    }

    private static string CodeBlock(List<string> head, List<string> rows) =>
        Fence + "\n" + string.Join('\n', head.Concat(rows)) + "\n" + Fence;

    private static IEnumerable<JsonObject> Sections(string escaped) => Split(escaped, MaxTextLength).Select(Section);

    private static JsonObject Section(string mrkdwn) => new() { ["type"] = "section", ["text"] = Mrkdwn(mrkdwn) };

    private static JsonObject Mrkdwn(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text, ["emoji"] = true };

    private static string Emoji(HighlightKind kind) => kind switch
    {
        HighlightKind.Warning => ":warning:",
        HighlightKind.Negative => ":small_red_triangle_down:",
        _ => ":bulb:",
    };

    /// <summary>
    /// Splits already-escaped text into pieces of at most <paramref name="max"/> characters: at a line break if
    /// possible, else at a space, else hard, but never inside an entity such as `&amp;`.
    /// </summary>
    internal static IEnumerable<string> Split(string text, int max)
    {
        var rest = text;
        while (rest.Length > max)
        {
            var cut = rest.LastIndexOf('\n', max);
            if (cut <= 0)
            {
                cut = rest.LastIndexOf(' ', max);
            }

            if (cut <= 0)
            {
                cut = max;
                var amp = rest.LastIndexOf('&', cut - 1, Math.Min(cut, 5));
                if (amp > 0 && rest.IndexOf(';', amp) >= cut)
                {
                    cut = amp;
                }
            }

            yield return rest[..cut];
            rest = rest[cut..].TrimStart('\n', ' ');
        }

        if (rest.Length > 0)
        {
            yield return rest;
        }
    }
}
