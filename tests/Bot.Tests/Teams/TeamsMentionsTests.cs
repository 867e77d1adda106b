using Bot.Teams;

namespace Bot.Tests.Teams;

public sealed class TeamsMentionsTests
{
    private static ActivityEntity Mention(string name, string? text) =>
        new("mention") { Mentioned = new ChannelAccount("28:bot", name), Text = text };

    [Theory]
    [InlineData("Hello <at>Bot</at>! How are you?", "Bot", "<at>Bot</at>", "Hello ! How are you?")]
    [InlineData("Hi <at>Test User</at>! How are you?", "Test User", "<at>Test User</at>", "Hi ! How are you?")]
    [InlineData("<at>ROI</at> roi baseline meeting-summary 20m @ $50/h", "ROI", null, "roi baseline meeting-summary 20m @ $50/h")]
    public void Strip_ProtocolVectors(string text, string name, string? mentionText, string expected) =>
        Assert.Equal(expected, TeamsMentions.Strip(text, [Mention(name, mentionText)]));

    [Fact]
    public void Strip_EntityTextDiffersFromMessage_AtTagStillRemoved() =>
        Assert.Equal("roi help", TeamsMentions.Strip("<at>Pranav Smith</at> roi help", [Mention("Pranav Smith", "<at>@Pranav Smith</at>")]));

    [Fact]
    public void Strip_HtmlEntities_Decoded() =>
        Assert.Equal("roi r&d <2026-11>", TeamsMentions.Strip("<at>ROI</at>&nbsp; roi r&amp;d &lt;2026-11&gt;", null));
}
