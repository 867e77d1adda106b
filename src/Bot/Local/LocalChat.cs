using System.Text.Json.Serialization;
using Bot.Chat;

namespace Bot.Local;

/// <summary>The local channel: a small chat page at / and POST /api/chat, for machines with no Slack or Teams.</summary>
internal static class LocalChat
{
    public const string Platform = "local";

    /// <summary>The one conversation the local page is; subscriptions made there post back to it.</summary>
    public const string ConversationId = "local";

    public static void AddLocalChat(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
    }

    public static void MapLocalChat(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Content(LocalPage.Html, "text/html; charset=utf-8"));
        app.MapPost("/api/chat", async (ChatRequest request, ChatDispatcher dispatcher, HttpContext http, CancellationToken cancellationToken) =>
        {
            if (string.IsNullOrWhiteSpace(request.Text))
            {
                return Results.Problem(statusCode: 400, title: "Missing text", detail: "Send {\"text\": \"roi help\"}.");
            }

            var user = string.IsNullOrWhiteSpace(request.User) ? "local user" : request.User.Trim();
            var context = new CommandContext(new ChatAddress(Platform, ConversationId), user, user);
            var reply = await dispatcher.HandleAsync(context, request.Text, cancellationToken);
            return Results.Ok(new ChatResponse(reply, PlainTextRenderer.Render(reply)));
        });
    }

    internal sealed record ChatRequest(string? Text, string? User);

    internal sealed record ChatResponse(Reply Reply, string Text);
}
