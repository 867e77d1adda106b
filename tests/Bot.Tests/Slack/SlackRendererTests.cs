using System.Text.Json.Nodes;
using Bot.Chat;
using Bot.Slack;

namespace Bot.Tests.Slack;

public sealed class SlackRendererTests
{
    private const string Hostile = "R&D <!channel> <@U123|boss> if a < b && b > c";
    private const string HostileEscaped = "R&amp;D &lt;!channel&gt; &lt;@U123|boss&gt; if a &lt; b &amp;&amp; b &gt; c";

    private static IEnumerable<string> Texts(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "text" && p.Value is JsonValue v ? [v.GetValue<string>()] : Texts(p.Value)),
        JsonArray a => a.SelectMany(Texts),
        _ => [],
    };

    [Fact]
    public void UserText_EverywhereInTheReply_IsEscapedExactlyOnce()
    {
        var reply = new Reply(Hostile)
        {
            Body = [Hostile],
            Tables = [new ReplyTable([new ReplyColumn("Feature"), new ReplyColumn("Unit")], [[Hostile, Hostile]]) { Caption = Hostile }],
            Highlights = [new Highlight(HighlightKind.Warning, Hostile)],
            Footnote = Hostile,
        };

        var message = Assert.Single(SlackRenderer.Render(reply));
        var texts = Texts(JsonNode.Parse(message.ToJsonBytes())).ToList();

        Assert.Equal(HostileEscaped, message.Text);
        Assert.Equal(HostileEscaped, texts[1]); // header
        Assert.Equal(HostileEscaped, texts[2]); // body paragraph
        Assert.Contains(texts, t => t.Contains("| " + HostileEscaped, StringComparison.Ordinal)); // table row
        Assert.Contains(":warning: " + HostileEscaped, texts[^2], StringComparison.Ordinal);
        Assert.Equal(HostileEscaped, texts[^1]); // footnote
        Assert.All(texts, t =>
        {
            Assert.DoesNotContain("<", t, StringComparison.Ordinal);
            Assert.DoesNotContain(">", t, StringComparison.Ordinal);
            Assert.DoesNotContain("&amp;amp;", t, StringComparison.Ordinal);
            Assert.DoesNotContain("&amp;lt;", t, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Escape_OfficialVectors() 
    {
        Assert.Equal("a &lt; b &amp;&amp; c &gt; d", SlackText.Escape("a < b && c > d"));
        Assert.Equal("R&amp;D &lt;team&gt;", SlackText.Escape("R&D <team>"));
        Assert.Equal("it's", SlackText.Escape("it's"));
    }

    [Fact]
    public void Unescape_SlacksEncodedText_GivesWhatTheUserTyped() =>
        Assert.Equal("baseline x 20m @ $50/h & <b> &lt;", SlackText.Unescape("baseline x 20m @ $50/h &amp; &lt;b&gt; &amp;lt;"));

    [Fact]
    public void Reply_HasHeaderSectionsAndContextFootnote()
    {
        var reply = new Reply("ROI, November 2026") { Body = ["One"], Footnote = "Costs in USD" };

        var blocks = Assert.Single(SlackRenderer.Render(reply)).Blocks;

        Assert.Equal(["header", "section", "context"], blocks.Select(b => b!["type"]!.GetValue<string>()));
        Assert.Equal("plain_text", blocks[0]!["text"]!["type"]!.GetValue<string>());
        Assert.Equal("Costs in USD", blocks[2]!["elements"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void LongTable_IsSplitAcrossSectionsAndMessages_WithEveryRowAndTheHeaderRepeated()
    {
        var rows = Enumerable.Range(1, 8000).Select(i => (IReadOnlyList<string>)[$"feature-{i:D4}", $"${i}.00"]).ToList();
        var reply = new Reply("Big") { Tables = [new ReplyTable([new ReplyColumn("Feature"), new ReplyColumn("Cost", AlignRight: true)], rows) { Totals = ["Total", "$1.00"] }] };

        var messages = SlackRenderer.Render(reply);

        Assert.True(messages.Count > 1);
        Assert.All(messages, m => Assert.InRange(m.Blocks.Count, 1, SlackRenderer.MaxBlocksPerMessage));
        var tableTexts = messages.SelectMany(m => m.Blocks).Where(b => b!["type"]!.GetValue<string>() == "section").Select(b => b!["text"]!["text"]!.GetValue<string>()).ToList();
        Assert.All(tableTexts, t =>
        {
            Assert.InRange(t.Length, 1, SlackRenderer.MaxTextLength);
            Assert.StartsWith("```\nFeature", t, StringComparison.Ordinal);
            Assert.EndsWith("\n```", t, StringComparison.Ordinal);
        });
        var featureLines = tableTexts.SelectMany(t => t.Split('\n')).Where(l => l.StartsWith("feature-", StringComparison.Ordinal)).ToList();
        Assert.Equal(rows.Select(r => r[0]), featureLines.Select(l => l.Split(' ')[0]));
        Assert.Contains(tableTexts[^1].Split('\n'), l => l.StartsWith("Total", StringComparison.Ordinal));
        Assert.Equal("Big (1/" + messages.Count + ")", messages[0].Text);
        Assert.Equal("context", messages[1].Blocks[0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void ManyParagraphs_AreSplitIntoMessagesOfAtMost50Blocks_InOrder()
    {
        var paragraphs = Enumerable.Range(1, 120).Select(i => $"paragraph {i}").ToList();

        var messages = SlackRenderer.Render(new Reply("Many") { Body = paragraphs });

        Assert.Equal(3, messages.Count); // 1 header + 120 sections = 121 blocks: 50, then 49 + "continued", then 22 + "continued"
        Assert.All(messages, m => Assert.InRange(m.Blocks.Count, 1, SlackRenderer.MaxBlocksPerMessage));
        var sections = messages.SelectMany(m => m.Blocks).Where(b => b!["type"]!.GetValue<string>() == "section").Select(b => b!["text"]!["text"]!.GetValue<string>());
        Assert.Equal(paragraphs, sections);
    }

    [Fact]
    public void ParagraphOver3000Characters_IsSplitWithNothingLost()
    {
        var paragraph = string.Join(' ', Enumerable.Range(1, 1200).Select(i => $"w{i}"));

        var sections = Assert.Single(SlackRenderer.Render(new Reply("Long") { Body = [paragraph] })).Blocks.Skip(1).Select(b => b!["text"]!["text"]!.GetValue<string>()).ToList();

        Assert.True(sections.Count >= 2);
        Assert.All(sections, s => Assert.InRange(s.Length, 1, SlackRenderer.MaxTextLength));
        Assert.Equal(paragraph, string.Join(' ', sections));
    }

    [Fact]
    public void Split_WithoutSpaces_NeverCutsInsideAnEntity()
    {
        var escaped = SlackText.Escape(new string('x', 2998) + "&&&&");

        var pieces = SlackRenderer.Split(escaped, 3000).ToList();

        Assert.Equal(escaped, string.Concat(pieces));
        Assert.Equal(new string('x', 2998), pieces[0]);
    }

    [Fact]
    public void TitleLongerThanHeaderLimit_BecomesBoldSection()
    {
        var title = new string('t', 151);

        var block = Assert.Single(SlackRenderer.Render(new Reply(title))).Blocks[0]!;

        Assert.Equal("section", block["type"]!.GetValue<string>());
        Assert.Equal("*" + title + "*", block["text"]!["text"]!.GetValue<string>());
    }
}
