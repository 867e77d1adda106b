using System.Text;

namespace Bot.Chat;

/// <summary>Renders a reply as monospaced plain text: the CLI, logs, and every platform's notification fallback.</summary>
internal static class PlainTextRenderer
{
    public static string Render(Reply reply)
    {
        var text = new StringBuilder();
        text.AppendLine(reply.Title);
        foreach (var paragraph in reply.Body)
        {
            text.AppendLine(paragraph);
        }

        foreach (var table in reply.Tables)
        {
            text.AppendLine();
            if (table.Caption is { } caption)
            {
                text.AppendLine(caption);
            }

            text.Append(RenderTable(table));
        }

        if (reply.Highlights.Count > 0)
        {
            text.AppendLine();
            foreach (var highlight in reply.Highlights)
            {
                text.Append("- ").AppendLine(highlight.Text);
            }
        }

        if (reply.Charts.Count > 0)
        {
            text.AppendLine();
            foreach (var chart in reply.Charts)
            {
                text.Append("[chart] ").AppendLine(chart.AltText);
            }
        }

        if (reply.Footnote is { } footnote)
        {
            text.AppendLine().AppendLine(footnote);
        }

        return text.ToString();
    }

    /// <summary>Columns padded to their widest cell; numbers right-aligned; totals under a rule.</summary>
    public static string RenderTable(ReplyTable table)
    {
        var rows = table.Rows.ToList();
        if (table.Totals is { } totals)
        {
            rows.Add(totals);
        }

        var widths = table.Columns.Select((column, i) => rows.Select(row => i < row.Count ? row[i].Length : 0).Append(column.Header.Length).Max()).ToArray();
        var text = new StringBuilder();
        AppendRow(text, table.Columns.Select(c => c.Header).ToList(), table, widths);
        text.AppendLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var row in table.Rows)
        {
            AppendRow(text, row, table, widths);
        }

        if (table.Totals is { } total)
        {
            text.AppendLine(string.Join("-+-", widths.Select(w => new string('-', w))));
            AppendRow(text, total, table, widths);
        }

        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, IReadOnlyList<string> cells, ReplyTable table, int[] widths)
    {
        var padded = table.Columns.Select((column, i) =>
        {
            var cell = i < cells.Count ? cells[i] : string.Empty;
            return column.AlignRight ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]);
        });
        text.AppendLine(string.Join(" | ", padded).TrimEnd());
    }
}
