namespace Bot.Chat;

/// <summary>Where a message came from: the platform and the conversation in it.</summary>
internal sealed record ChatAddress(string Platform, string ConversationId);

/// <summary>Who asked, and where. Handlers use it for attribution ("set by") and for subscriptions.</summary>
internal sealed record CommandContext(ChatAddress Address, string UserId, string UserName);
