using System.Text.Json.Nodes;
using Bot.Chat;
using Bot.Digests;
using Bot.Roi;
using Bot.Slack;
using Bot.Teams;

namespace Bot.Tests.Digests;

/// <summary>One digest, as each channel shows it: plain text, Slack Block Kit, Teams Adaptive Card.</summary>
public sealed class DigestRenderingTests
{
    private const string Title = "Monthly ROI digest — November 2026";
    private const string TableRow = "support-classifier | 1,000 |       $0.025 |           $1.67 |        66.7x |       $1,641.67";
    private const string Negative = "legal-drafts: newly negative ROI — AI cost $1.50/task against the human $1.00/task. Optimize or cut.";
    private const string DecliningStart = "search-answers: ROI multiple down 50% (100x → 50.0x against October 2026).";

    /// <summary>Support steady; legal drafts newly negative; search answers declining because its model got dearer.</summary>
    private static async Task<Reply> DigestAsync(BotApplication app)
    {
        var data = new DigestTestData(app.Services);
        await data.BaselineAsync("support-classifier", 2m, 50m);
        await data.BaselineAsync("legal-drafts", 1m, 60m);
        await data.BaselineAsync("search-answers", 1m, 60m);
        foreach (var month in new[] { "2026-10", "2026-11" })
        {
            await data.MonthAsync("support-classifier", month, 1000, 25m);
        }

        await data.MonthAsync("legal-drafts", "2026-11", 100, 150m);
        await data.MonthAsync("search-answers", "2026-10", 1000, 10m, model: "gpt-4o");
        await data.MonthAsync("search-answers", "2026-11", 1000, 20m, model: "gpt-4o");
        return await data.DigestAsync(DigestKind.Monthly, ReportingPeriod.Month(2026, 11));
    }

    private static IEnumerable<string> Texts(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "text" && p.Value is JsonValue v ? [v.GetValue<string>()] : Texts(p.Value)),
        JsonArray a => a.SelectMany(Texts),
        _ => [],
    };

    [Fact]
    public async Task Text_HasTitleTableAndFlags()
    {
        using var app = new BotApplication(DigestHosts.Settings());

        var text = PlainTextRenderer.Render(await DigestAsync(app));

        Assert.StartsWith(Title, text);
        Assert.Contains(TableRow, text);
        Assert.Contains("- " + Negative, text);
        Assert.Contains("- " + DecliningStart + " Cause: AI cost per task up: gpt-4o $0.01 → $0.02/task (+100%)", text);
    }

    [Fact]
    public async Task SlackBlocks_HeaderTableSectionAndFlagsWithTheirEmoji()
    {
        using var app = new BotApplication(DigestHosts.Settings());

        var message = Assert.Single(SlackRenderer.Render(await DigestAsync(app)));
        var json = JsonNode.Parse(message.ToJsonBytes())!;
        var texts = Texts(json).ToList();

        Assert.Equal(Title, message.Text);
        Assert.Equal("header", json["blocks"]![0]!["type"]!.GetValue<string>());
        Assert.Equal(Title, json["blocks"]![0]!["text"]!["text"]!.GetValue<string>());
        Assert.Contains(texts, t => t.StartsWith("```", StringComparison.Ordinal) && t.Contains(TableRow, StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("*Against October 2026*", StringComparison.Ordinal));
        var flags = Assert.Single(texts, t => t.Contains(Negative, StringComparison.Ordinal));
        Assert.Contains("• :small_red_triangle_down: " + Negative, flags);
        Assert.Contains("• :warning: " + DecliningStart, flags);
    }

    [Fact]
    public async Task TeamsCard_TitleTablesAndColouredFlags()
    {
        using var app = new BotApplication(DigestHosts.Settings());

        var card = AdaptiveCardRenderer.Render(await DigestAsync(app));
        var runs = card["body"]!.AsArray()
            .Where(element => element!["type"]!.GetValue<string>() == "RichTextBlock")
            .Select(element => element!["inlines"]![0]!)
            .ToList();
        var tables = card["body"]!.AsArray().Where(element => element!["type"]!.GetValue<string>() == "Table").ToList();

        Assert.Equal(Title, runs[0]["text"]!.GetValue<string>());
        Assert.Equal(2, tables.Count); // the period's table and the comparison with October
        var firstTableRows = tables[0]!["rows"]!.AsArray().Select(row => Texts(row).ToList()).ToList();
        Assert.Contains(["support-classifier", "1,000", "$0.025", "$1.67", "66.7x", "$1,641.67"], firstTableRows);
        Assert.Equal("attention", Assert.Single(runs, r => r["text"]!.GetValue<string>() == Negative)["color"]!.GetValue<string>());
        Assert.Equal("warning", Assert.Single(runs, r => r["text"]!.GetValue<string>().StartsWith(DecliningStart, StringComparison.Ordinal))["color"]!.GetValue<string>());
        Assert.Contains(Title, card["fallbackText"]!.GetValue<string>());
    }
}
