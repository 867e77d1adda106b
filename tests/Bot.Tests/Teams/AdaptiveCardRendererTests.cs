using System.Text.Json.Nodes;
using Bot.Chat;
using Bot.Teams;
using NJsonSchema;

namespace Bot.Tests.Teams;

public sealed class AdaptiveCardRendererTests
{
    private static readonly Reply Report = new("ROI, November 2026")
    {
        Body = ["Cost per task against the human baseline."],
        Tables =
        [
            new ReplyTable(
                [new ReplyColumn("Feature"), new ReplyColumn("AI $/task", AlignRight: true), new ReplyColumn("Human $/task", AlignRight: true)],
                [["meeting-summary", "$0.000032", "$16.67"], ["ticket_triage", "$0.0041", "$2.50"]])
            {
                Caption = "By feature",
                Totals = ["Total", "$0.0041", "$19.17"],
            },
        ],
        Highlights = [new Highlight(HighlightKind.Warning, "ticket_triage has no baseline for October"), new Highlight(HighlightKind.Negative, "invoice-extract costs more than a person")],
        Footnote = "Baselines as of 2026-11-30.",
        Charts = [new ReplyChart([1, 2, 3], "AI cost per task, last 6 months", "trend.png")],
    };

    [Fact]
    public async Task Render_FullReply_ValidatesAgainstAdaptiveCard15Schema()
    {
        var schema = await AdaptiveCardSchemaAsync();
        var errors = schema.Validate(AdaptiveCardRenderer.Render(Report).ToJsonString());
        Assert.Empty(errors.Select(e => $"{e.Path}: {e.Kind}"));
    }

    [Fact]
    public async Task Schema_MisspelledElement_Rejected()
    {
        // The validator must be able to fail: a card Teams would not render is refused.
        var card = AdaptiveCardRenderer.Render(Report);
        card["body"]![2]!["type"] = "Tabel";
        Assert.NotEmpty((await AdaptiveCardSchemaAsync()).Validate(card.ToJsonString()));

        var deep = AdaptiveCardRenderer.Render(Report);
        deep["body"]![3]!["rows"]![1]!["cells"]![0]!["items"]![0]!["inlines"]![0]!["weight"] = "heavy";
        Assert.NotEmpty((await AdaptiveCardSchemaAsync()).Validate(deep.ToJsonString()));
    }

    [Fact]
    public async Task Render_ChartsWithAndWithoutLink_ImageForTheLinkedOne_DescriptionForTheOther()
    {
        var reply = new Reply("Digest")
        {
            Charts = [new ReplyChart([1], "Chart of legal-drafts", "a.png"), new ReplyChart([2], "Chart of search-answers", "b.png")],
        };
        var link = new Uri("https://roi.example.com/charts/0123456789abcdef0123456789abcdef.png?exp=1796292000&sig=abc_-");

        var card = AdaptiveCardRenderer.Render(reply, [link, null]);

        var body = card["body"]!.AsArray();
        var image = Assert.Single(body, e => e!["type"]!.GetValue<string>() == "Image")!;
        Assert.Equal(link.AbsoluteUri, image["url"]!.GetValue<string>());
        Assert.Equal("Chart of legal-drafts", image["altText"]!.GetValue<string>());
        Assert.Equal("Chart: Chart of search-answers", Runs(card)[^1]["text"]!.GetValue<string>());
        Assert.Equal(1, body.IndexOf(image));
        Assert.Empty((await AdaptiveCardSchemaAsync()).Validate(card.ToJsonString()).Select(e => $"{e.Path}: {e.Kind}"));
    }

    [Fact]
    public void Render_NoLinks_EveryChartAsItsDescription()
    {
        var card = AdaptiveCardRenderer.Render(Report);

        Assert.DoesNotContain(card["body"]!.AsArray(), e => e!["type"]!.GetValue<string>() == "Image");
        Assert.Contains(Runs(card), r => r["text"]!.GetValue<string>() == "Chart: AI cost per task, last 6 months");
    }

    [Fact]
    public void Render_Table_HeaderRowThenRowsThenEmphasisedTotals()
    {
        var table = AdaptiveCardRenderer.Render(Report)["body"]!.AsArray().Single(e => e!["type"]!.GetValue<string>() == "Table")!;
        var rows = table["rows"]!.AsArray();

        Assert.Equal("1.5", AdaptiveCardRenderer.Render(Report)["version"]!.GetValue<string>());
        Assert.Equal(4, rows.Count);
        Assert.Equal("Feature", CellText(rows[0]!, 0));
        Assert.Equal("$0.000032", CellText(rows[1]!, 1));
        Assert.Equal("Total", CellText(rows[3]!, 0));
        Assert.Equal("emphasis", rows[3]!["style"]!.GetValue<string>());
        Assert.Null(table["columns"]![0]!["horizontalCellContentAlignment"]);
        Assert.Equal("right", table["columns"]![1]!["horizontalCellContentAlignment"]!.GetValue<string>());
    }

    [Fact]
    public void Render_Highlights_ColouredByKind()
    {
        var runs = Runs(AdaptiveCardRenderer.Render(Report));
        Assert.Equal("warning", runs.Single(r => r["text"]!.GetValue<string>().StartsWith("ticket_triage has", StringComparison.Ordinal))["color"]!.GetValue<string>());
        Assert.Equal("attention", runs.Single(r => r["text"]!.GetValue<string>().StartsWith("invoice-extract", StringComparison.Ordinal))["color"]!.GetValue<string>());
    }

    [Fact]
    public void Render_MarkdownInUserText_KeptLiteralInTextRun()
    {
        const string typed = "**free** [click](https://evil.example) _x_ 1. <at>all</at>";
        var card = AdaptiveCardRenderer.Render(new Reply(typed) { Body = [typed] });

        Assert.All(Runs(card), run => Assert.Equal(typed, run["text"]!.GetValue<string>()));
        Assert.DoesNotContain(card["body"]!.AsArray(), element => element!["type"]!.GetValue<string>() == "TextBlock");
    }

    [Fact]
    public void Render_Error_TitleInAttentionColour()
    {
        var title = Runs(AdaptiveCardRenderer.Render(Reply.Error("Unknown period", "Try roi 2026-11.")))[0];
        Assert.Equal("attention", title["color"]!.GetValue<string>());
    }

    [Fact]
    public void Render_FallbackText_IsThePlainTextRendering() =>
        Assert.Equal(PlainTextRenderer.Render(Report), AdaptiveCardRenderer.Render(Report)["fallbackText"]!.GetValue<string>());

    [Fact]
    public void Message_TableTooLargeForTeams_ShortenedUnderLimitAndSaysSo()
    {
        var rows = Enumerable.Range(1, 3000).Select(i => (IReadOnlyList<string>)[$"feature-{i:0000}", $"${i}.00"]).ToList();
        var huge = new Reply("Every feature") { Tables = [new ReplyTable([new ReplyColumn("Feature"), new ReplyColumn("Cost", AlignRight: true)], rows)] };

        var message = TeamsMessenger.Message(huge, []);
        var card = message.Attachments![0].Content;
        var table = card["body"]!.AsArray().Single(e => e!["type"]!.GetValue<string>() == "Table")!;
        var shownRows = table["rows"]!.AsArray().Count - 1;

        Assert.True(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(message, TeamsActivity.Json).Length * 2 <= TeamsMessenger.MaxMessageBytes);
        Assert.InRange(shownRows, 2, 2999);
        Assert.Equal("feature-0001", CellText(table["rows"]![1]!, 0));
        Assert.Contains($"first {shownRows} rows", card.ToJsonString());
    }

    [Fact]
    public void Message_SmallReply_NotShortened()
    {
        var card = TeamsMessenger.Message(Report, []).Attachments![0].Content;
        Assert.Equal(Report.Footnote, Runs(card)[^1]["text"]!.GetValue<string>());
    }

    internal static Task<JsonSchema> AdaptiveCardSchemaAsync() =>
        JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Teams", "adaptive-card-1.5.excerpt.json"));

    private static string CellText(JsonNode row, int cell) => row["cells"]![cell]!["items"]![0]!["inlines"]![0]!["text"]!.GetValue<string>();

    private static List<JsonNode> Runs(JsonNode card) =>
        [.. card["body"]!.AsArray().Where(e => e!["type"]!.GetValue<string>() == "RichTextBlock").Select(e => e!["inlines"]![0]!)];
}
