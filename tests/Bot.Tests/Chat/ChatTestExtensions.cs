using Bot.Chat;

namespace Bot.Tests.Chat;

internal static class ChatTestExtensions
{
    /// <summary>Asks the bot as a local user would, through the same dispatcher every channel uses.</summary>
    public static Task<Reply> AskAsync(this BotApplication app, string text, string user = "alice") =>
        app.Service<ChatDispatcher>().HandleAsync(new CommandContext(new ChatAddress("local", "local"), user, user), text, CancellationToken.None);

    public static string Text(this Reply reply) => PlainTextRenderer.Render(reply);
}
