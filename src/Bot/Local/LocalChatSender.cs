using System.Text.Json;
using Bot.Chat;
using Bot.Data;
using Dapper;
using Microsoft.Extensions.Options;

namespace Bot.Local;

/// <summary>
/// Posts to the local channel: stores the reply for the local page to poll (GET /api/chat/posts) and writes its text
/// to the log. A repeat of the same idempotency key is dropped.
/// </summary>
internal sealed class LocalChatSender(Database database, TimeProvider time, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, ILogger<LocalChatSender> logger) : IChatSender
{
    public string Platform => LocalChat.Platform;

    private const string InsertSql = """
        INSERT INTO local_posts (conversation_id, idempotency_key, posted_at, reply_json)
        VALUES (@ConversationId, @IdempotencyKey, @PostedAt, @ReplyJson)
        ON CONFLICT (idempotency_key) DO NOTHING
        """;

    public async Task SendAsync(string conversationId, Reply reply, string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            ConversationId = conversationId,
            IdempotencyKey = idempotencyKey,
            PostedAt = time.GetUtcNow().ToUnixTimeMilliseconds(),
            ReplyJson = JsonSerializer.Serialize(reply, json.Value.SerializerOptions),
        }, cancellationToken: cancellationToken));
        if (inserted > 0)
        {
            logger.LogInformation("Local post to {Conversation}:{NewLine}{Text}", conversationId, Environment.NewLine, PlainTextRenderer.Render(reply));
        }
    }

    private const string AfterSql = """
        SELECT id AS Id, conversation_id AS ConversationId, posted_at AS PostedAt, reply_json AS ReplyJson
        FROM local_posts WHERE id > @After ORDER BY id LIMIT @Limit
        """;

    /// <summary>Posts with an id above <paramref name="after"/>, oldest first.</summary>
    public async Task<IReadOnlyList<LocalPost>> AfterAsync(long after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<PostRow>(new CommandDefinition(AfterSql, new { After = after, Limit = limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new LocalPost(r.Id, r.ConversationId, DateTimeOffset.FromUnixTimeMilliseconds(r.PostedAt), JsonDocument.Parse(r.ReplyJson).RootElement.Clone(), r.ReplyJson)).ToList();
    }

    private sealed record PostRow(long Id, string ConversationId, long PostedAt, string ReplyJson);
}

/// <summary>A post as the page gets it: <see cref="Reply"/> is the stored reply JSON, rendered by the page's renderReply.</summary>
internal sealed record LocalPost(long Id, string ConversationId, DateTimeOffset PostedAt, JsonElement Reply, [property: System.Text.Json.Serialization.JsonIgnore] string ReplyJson);
