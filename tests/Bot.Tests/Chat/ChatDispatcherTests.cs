using Bot.Chat;
using Bot.Tests.Chat;

namespace Bot.Tests.Chat;

public sealed class ChatDispatcherTests
{
    [Theory]
    [InlineData("roi help", "help")]
    [InlineData("  ROI   help ", "help")]
    [InlineData("<@U0BOT> roi help", "help")]
    [InlineData("@ROI roi help", "help")]
    [InlineData("/roi help", "help")]
    [InlineData("help", "help")]
    [InlineData("roi", "")]
    [InlineData("roi meeting-summary 2026-11", "meeting-summary 2026-11")]
    public void StripPrefix_RemovesMentionAndRoi(string text, string expected) =>
        Assert.Equal(expected, CommandArguments.Parse(ChatDispatcher.StripPrefix(text)).Text);

    [Fact]
    public async Task Handle_TooLongText_RefusedWithoutEchoingIt()
    {
        using var app = new BotApplication();
        var pasted = "roi baseline " + new string('x', 5_000);

        var reply = await app.AskAsync(pasted);

        Assert.True(reply.IsError);
        Assert.Equal("That message is too long", reply.Title);
        Assert.DoesNotContain("xxxxxxxxxx", reply.Text());
    }

    [Fact]
    public void Parse_QuotedWords_StayTogether()
    {
        var arguments = CommandArguments.Parse("baseline x 2m @ $50/h unit \u201Cticket classified\u201D");
        Assert.Equal("ticket classified", arguments[^1]);
    }

    [Fact]
    public void Constructor_DuplicateCommand_Throws()
    {
        var handlers = new ICommandHandler[] { new FakeHandler("report"), new FakeHandler("help"), new FakeHandler("HELP") };
        var error = Assert.Throws<InvalidOperationException>(() => new ChatDispatcher(handlers, Microsoft.Extensions.Logging.Abstractions.NullLogger<ChatDispatcher>.Instance));
        Assert.Contains("'HELP'", error.Message);
    }

    [Fact]
    public async Task Handle_HandlerThrows_AnswersWithoutLeakingTheError()
    {
        var dispatcher = new ChatDispatcher([new FakeHandler("report", fail: true)], Microsoft.Extensions.Logging.Abstractions.NullLogger<ChatDispatcher>.Instance);
        var reply = await dispatcher.HandleAsync(new CommandContext(new ChatAddress("local", "local"), "u", "u"), "roi", default);
        Assert.True(reply.IsError);
        Assert.DoesNotContain("secret detail", reply.Text());
    }

    private sealed class FakeHandler(string name, bool fail = false) : ICommandHandler
    {
        public string Name => name;

        public IReadOnlyList<string> Usage => [];

        public string Summary => string.Empty;

        public Task<Reply> HandleAsync(CommandContext context, CommandArguments arguments, CancellationToken cancellationToken) =>
            fail ? throw new InvalidOperationException("secret detail") : Task.FromResult(new Reply(name));
    }
}
