using System.Text.Json.Nodes;
using Bot.Chat;

namespace Bot.Teams;

/// <summary>
/// Renders a <see cref="Reply"/> as an Adaptive Card 1.5 (the newest version Teams renders for bots), tables as the
/// 1.5 `Table` element. Reply text is plain and may hold user input, so every piece of it goes into a `TextRun`,
/// which Adaptive Cards never interpret as markdown: a feature named `*x*` or `[a](b)` shows exactly as typed.
/// </summary>
internal static class AdaptiveCardRenderer
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";
    public const string Version = "1.5";

    /// <summary>A card whose charts show as their alt text (no links to them).</summary>
    public static JsonObject Render(Reply reply) => Render(reply, []);

    /// <summary>
    /// <paramref name="chartUrls"/>[i] is where Teams fetches <see cref="Reply.Charts"/>[i] from (a signed link the bot
    /// serves); a chart with no link shows as a line of its alt text instead.
    /// </summary>
    public static JsonObject Render(Reply reply, IReadOnlyList<Uri?> chartUrls)
    {
        var body = new JsonArray
        {
            Text(reply.Title, size: "large", weight: "bolder", color: reply.IsError ? "attention" : null),
        };

        foreach (var paragraph in reply.Body)
        {
            body.Add(Text(paragraph));
        }

        foreach (var table in reply.Tables)
        {
            if (table.Caption is { } caption)
            {
                body.Add(Text(caption, weight: "bolder"));
            }

            body.Add(Table(table));
        }

        foreach (var highlight in reply.Highlights)
        {
            body.Add(Text(highlight.Text, color: highlight.Kind switch
            {
                HighlightKind.Warning => "warning",
                HighlightKind.Negative => "attention",
                _ => null,
            }));
        }

        for (var i = 0; i < reply.Charts.Count; i++)
        {
            var chart = reply.Charts[i];
            body.Add(i < chartUrls.Count && chartUrls[i] is { } url
                ? new JsonObject { ["type"] = "Image", ["url"] = url.AbsoluteUri, ["altText"] = chart.AltText }
                : Text("Chart: " + chart.AltText, isSubtle: true));
        }

        if (reply.Footnote is { } footnote)
        {
            body.Add(Text(footnote, size: "small", isSubtle: true));
        }

        return new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = Version,
            ["fallbackText"] = PlainTextRenderer.Render(reply),
            ["body"] = body,
        };
    }

    private static JsonObject Table(ReplyTable table)
    {
        var columns = new JsonArray();
        foreach (var column in table.Columns)
        {
            var definition = new JsonObject { ["width"] = 1 };
            if (column.AlignRight)
            {
                definition["horizontalCellContentAlignment"] = "right";
            }

            columns.Add(definition);
        }

        var rows = new JsonArray { Row(table.Columns.Select(c => c.Header).ToList(), table.Columns.Count, bold: true) };
        foreach (var row in table.Rows)
        {
            rows.Add(Row(row, table.Columns.Count, bold: false));
        }

        if (table.Totals is { } totals)
        {
            var totalRow = Row(totals, table.Columns.Count, bold: true);
            totalRow["style"] = "emphasis";
            rows.Add(totalRow);
        }

        return new JsonObject
        {
            ["type"] = "Table",
            ["firstRowAsHeader"] = true,
            ["showGridLines"] = true,
            ["columns"] = columns,
            ["rows"] = rows,
        };
    }

    private static JsonObject Row(IReadOnlyList<string> cells, int columnCount, bool bold)
    {
        var items = new JsonArray();
        for (var i = 0; i < columnCount; i++)
        {
            var cell = i < cells.Count ? cells[i] : string.Empty;
            items.Add(new JsonObject
            {
                ["type"] = "TableCell",
                ["items"] = new JsonArray { Text(cell, weight: bold ? "bolder" : null) },
            });
        }

        return new JsonObject { ["type"] = "TableRow", ["cells"] = items };
    }

    private static JsonObject Text(string text, string? size = null, string? weight = null, string? color = null, bool isSubtle = false)
    {
        var run = new JsonObject { ["type"] = "TextRun", ["text"] = text };
        if (size is not null)
        {
            run["size"] = size;
        }

        if (weight is not null)
        {
            run["weight"] = weight;
        }

        if (color is not null)
        {
            run["color"] = color;
        }

        if (isSubtle)
        {
            run["isSubtle"] = true;
        }

        return new JsonObject { ["type"] = "RichTextBlock", ["inlines"] = new JsonArray { run } };
    }
}
