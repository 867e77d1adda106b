using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Bot.Slack;

/// <summary>
/// `POST /slack/events`: slash commands, Events API and interactivity share one request URL. Every request is
/// verified against the raw bytes before anything is parsed; answers are acks, the real reply is posted later.
/// </summary>
internal static class SlackEndpoints
{
    public const string EventsPath = "/slack/events";

    /// <summary>Slack's payloads are small; anything bigger is not from Slack.</summary>
    private const int MaxBodyBytes = 1 << 20;

    public static void MapSlack(this IEndpointRouteBuilder app)
    {
        app.MapPost(EventsPath, HandleAsync);
    }

    private static async Task<IResult> HandleAsync(HttpContext http, SlackInbound inbound, IOptions<SlackOptions> options, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(SlackEndpoints).FullName!);
        if (!options.Value.Enabled)
        {
            return Results.NotFound();
        }

        var body = await ReadBodyAsync(http.Request, cancellationToken);
        if (body is null)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var isForm = http.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true;
        var form = isForm ? QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)) : null;

        // Slack's certificate probe is the one unsigned request; it gets a bare 200 and does nothing.
        if (form is not null && form.TryGetValue("ssl_check", out var sslCheck) && sslCheck == "1")
        {
            return Results.Ok();
        }

        var verdict = SlackSignature.Verify(
            options.Value.SigningSecret,
            http.Request.Headers[SlackSignature.TimestampHeader],
            http.Request.Headers[SlackSignature.SignatureHeader],
            body,
            time.GetUtcNow());
        if (verdict != SlackSignatureResult.Valid)
        {
            logger.LogWarning("Refused a Slack request: signature {Verdict}", verdict);
            return Results.Unauthorized();
        }

        if (http.Request.Headers.TryGetValue("X-Slack-Retry-Num", out var retry))
        {
            logger.LogInformation("Slack redelivery {Retry} ({Reason})", retry.ToString(), http.Request.Headers["X-Slack-Retry-Reason"].ToString());
        }

        if (form is not null)
        {
            return await HandleFormAsync(form, inbound, http, cancellationToken);
        }

        if (http.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        JsonElement envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<JsonElement>(body);
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }

        var type = envelope.ValueKind == JsonValueKind.Object && envelope.TryGetProperty("type", out var value) ? value.GetString() : null;
        switch (type)
        {
            case "url_verification":
                var challenge = envelope.TryGetProperty("challenge", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                return challenge is null ? Results.BadRequest() : Results.Json(new { challenge });
            case "event_callback":
                return ToResult(await inbound.AcceptEventAsync(envelope, cancellationToken), http);
            default:
                return Results.Ok();
        }
    }

    private static async Task<IResult> HandleFormAsync(Dictionary<string, StringValues> form, SlackInbound inbound, HttpContext http, CancellationToken cancellationToken)
    {
        if (form.TryGetValue("payload", out var payload))
        {
            // Interactivity: the bot sends no buttons yet, so an allowed workspace just gets its ack.
            try
            {
                var interaction = JsonSerializer.Deserialize<JsonElement>(payload.ToString());
                var team = interaction.TryGetProperty("team", out var t) && t.ValueKind == JsonValueKind.Object && t.TryGetProperty("id", out var id) ? id.GetString() : null;
                return ToResult(inbound.IsAllowedTeam(team) ? SlackInboundOutcome.Ignored : SlackInboundOutcome.ForbiddenTeam, http);
            }
            catch (JsonException)
            {
                return Results.BadRequest();
            }
        }

        if (form.ContainsKey("command"))
        {
            var command = SlackSlashCommand.From(name => form.TryGetValue(name, out var v) ? v.ToString() : null);
            return ToResult(await inbound.AcceptSlashCommandAsync(command, cancellationToken), http);
        }

        return Results.BadRequest();
    }

    /// <summary>Refusals tell Slack not to retry; a full queue invites the retry.</summary>
    private static IResult ToResult(SlackInboundOutcome outcome, HttpContext http)
    {
        switch (outcome)
        {
            case SlackInboundOutcome.ForbiddenTeam:
                http.Response.Headers["X-Slack-No-Retry"] = "1";
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            case SlackInboundOutcome.Malformed:
                http.Response.Headers["X-Slack-No-Retry"] = "1";
                return Results.BadRequest();
            case SlackInboundOutcome.Busy:
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            case SlackInboundOutcome.UnknownCommand:
                return Results.Json(new { response_type = "ephemeral", text = "This app answers " + string.Join(", ", SlackInbound.SlashCommands) + ", for example `/roi help`." });
            default:
                return Results.Ok();
        }
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream(capacity: (int)(request.ContentLength ?? 4096));
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
