namespace Bot.Chat;

internal static class ChatServices
{
    public static void AddChat(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ChatDispatcher>();
        builder.Services.AddSingleton<ICommandHandler, HelpHandler>();
    }
}
