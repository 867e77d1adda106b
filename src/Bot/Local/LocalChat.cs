using System.Text.Json.Serialization;
using Bot.Chat;

namespace Bot.Local;

/// <summary>The local channel: a small chat page at / and POST /api/chat, for machines with no Slack or Teams.</summary>
internal static class LocalChat
{
    public const string Platform = "local";

    /// <summary>The one conversation the local page is; subscriptions made there post back to it.</summary>
    public const string ConversationId = "local";

    private const int MaxPostsPerPoll = 50;

    public static void AddLocalChat(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddSingleton<LocalChatSender>();
        builder.Services.AddSingleton<IChatSender>(services => services.GetRequiredService<LocalChatSender>());
    }

    public static void MapLocalChat(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Content(LocalPage.Html, "text/html; charset=utf-8"));
        app.MapPost("/api/chat", async (ChatDispatcher dispatcher, HttpContext http, CancellationToken cancellationToken) =>
        {
            // Read here rather than bound by the framework, whose answer to a malformed body is a 400 with no body at all.
            ChatRequest? request;
            try
            {
                request = await http.Request.ReadFromJsonAsync<ChatRequest>(cancellationToken);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
            {
                request = null;
            }

            if (request is null)
            {
                return Results.Problem(statusCode: 400, title: "Malformed request", detail: "The body must be JSON like {\"text\": \"roi help\"} (Content-Type: application/json).");
            }

            if (string.IsNullOrWhiteSpace(request.Text))
            {
                return Results.Problem(statusCode: 400, title: "Missing text", detail: "Send {\"text\": \"roi help\"}.");
            }

            var user = string.IsNullOrWhiteSpace(request.User) ? "local user" : request.User.Trim();
            var context = new CommandContext(new ChatAddress(Platform, ConversationId), user, user);
            var reply = await dispatcher.HandleAsync(context, request.Text, cancellationToken);
            return Results.Ok(new ChatResponse(reply, PlainTextRenderer.Render(reply)));
        });

        // What the bot posted here unasked (digests); the page polls it with the id of the last post it showed.
        app.MapGet("/api/chat/posts", async (string? after, LocalChatSender posts, CancellationToken cancellationToken) =>
        {
            var afterId = 0L;
            if (!string.IsNullOrEmpty(after) && (!long.TryParse(after, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out afterId)))
            {
                return Results.Problem(statusCode: 400, title: "Bad after", detail: $"after must be the id of a post (a whole number 0 or more); got '{after}'.");
            }

            return Results.Ok(new PostsResponse(await posts.AfterAsync(afterId, MaxPostsPerPoll, cancellationToken)));
        });
    }

    internal sealed record ChatRequest(string? Text, string? User);

    internal sealed record ChatResponse(Reply Reply, string Text);

    internal sealed record PostsResponse(IReadOnlyList<LocalPost> Posts);
}
