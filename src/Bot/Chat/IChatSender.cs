namespace Bot.Chat;

/// <summary>
/// Posts a reply to a conversation nobody asked in (digests). One implementation per platform;
/// <paramref name="idempotencyKey"/> lets a platform drop a repeat of the same post.
/// </summary>
internal interface IChatSender
{
    string Platform { get; }

    Task SendAsync(string conversationId, Reply reply, string idempotencyKey, CancellationToken cancellationToken);
}
