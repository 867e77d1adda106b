using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Bot.Slack;

/// <summary>
/// Socket Mode: the bot dials out to Slack, so it needs no public URL. Each connection comes from
/// apps.connections.open; every envelope is acknowledged by its envelope_id and handed to the same intake as HTTP.
/// A `disconnect` message reconnects at once; a dropped connection reconnects after a growing pause.
/// </summary>
internal sealed class SlackSocketMode(IServiceProvider services, SlackInbound inbound, IOptions<SlackOptions> options, TimeProvider time, ILogger<SlackSocketMode> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>The same bound as an HTTP request body: Slack's envelopes are a few KB, so a bigger frame is not read into memory.</summary>
    internal const int MaxFrameBytes = 1 << 20;

    /// <summary>
    /// What <see cref="ReceiveTextAsync"/> returns for a frame over <see cref="MaxFrameBytes"/>, read to its end and
    /// dropped: its own instance, so an empty frame (string.Empty) is never mistaken for it.
    /// </summary>
    private static readonly string OversizedFrame = new(['\0']);

    private enum ConnectionEnd
    {
        Refresh,
        Dropped,
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled || !options.Value.SocketMode)
        {
            return;
        }

        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var url = await services.GetRequiredService<SlackApiClient>().OpenConnectionAsync(stoppingToken);
                var end = await RunConnectionAsync(url, stoppingToken);
                failures = end == ConnectionEnd.Refresh ? 0 : failures + 1;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                failures++;
                logger.LogWarning(exception, "Slack Socket Mode connection failed ({Failures} in a row)", failures);
            }

            if (failures > 0)
            {
                await Task.Delay(Backoff(failures), time, stoppingToken);
            }
        }
    }

    /// <summary>1 s, 2 s, 4 s, ... up to 30 s.</summary>
    internal static TimeSpan Backoff(int failures) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(failures - 1, 10))));

    private async Task<ConnectionEnd> RunConnectionAsync(Uri url, CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(10);
        await socket.ConnectAsync(url, cancellationToken);
        while (socket.State == WebSocketState.Open)
        {
            var frame = await ReceiveTextAsync(socket, cancellationToken);
            if (frame is null)
            {
                logger.LogInformation("Slack closed the Socket Mode connection");
                return ConnectionEnd.Dropped;
            }

            if (ReferenceEquals(frame, OversizedFrame))
            {
                // Not acknowledged: nothing in it was read, and Slack gives up on an envelope after its retries.
                logger.LogWarning("Ignored a Socket Mode frame over {Max} bytes", MaxFrameBytes);
                continue;
            }

            JsonElement envelope;
            try
            {
                envelope = JsonSerializer.Deserialize<JsonElement>(frame);
            }
            catch (JsonException)
            {
                logger.LogWarning("Ignored a Socket Mode frame that is not JSON");
                continue;
            }

            var type = Text(envelope, "type");
            if (type == "hello")
            {
                logger.LogInformation("Slack Socket Mode connected");
                continue;
            }

            if (type == "disconnect")
            {
                logger.LogInformation("Slack asked to reconnect ({Reason})", Text(envelope, "reason"));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "reconnecting", cancellationToken);
                return ConnectionEnd.Refresh;
            }

            if (Text(envelope, "envelope_id") is { } envelopeId)
            {
                var outcome = await AcceptAsync(type, envelope, cancellationToken);

                // Not acknowledged when the queue is full, so that Slack delivers it again.
                if (outcome != SlackInboundOutcome.Busy)
                {
                    var ack = new JsonObject { ["envelope_id"] = envelopeId }.ToJsonString();
                    await socket.SendAsync(Encoding.UTF8.GetBytes(ack), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                }
            }
        }

        return ConnectionEnd.Dropped;
    }

    private async Task<SlackInboundOutcome> AcceptAsync(string? type, JsonElement envelope, CancellationToken cancellationToken)
    {
        if (!envelope.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.Object)
        {
            return SlackInboundOutcome.Malformed;
        }

        return type switch
        {
            "events_api" when Text(payload, "type") == "event_callback" => await inbound.AcceptEventAsync(payload, cancellationToken),
            "slash_commands" => await inbound.AcceptSlashCommandAsync(SlackSlashCommand.FromJson(payload), cancellationToken),
            _ => SlackInboundOutcome.Ignored,
        };
    }

    /// <summary>
    /// One whole text message; <see cref="OversizedFrame"/> when it is over <see cref="MaxFrameBytes"/> (the rest is
    /// read and discarded, so the connection stays usable); null when the server closed the connection.
    /// </summary>
    private static async Task<string?> ReceiveTextAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[8 * 1024];
        using var message = new MemoryStream();
        var oversized = false;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            oversized |= message.Length + result.Count > MaxFrameBytes;
            if (!oversized)
            {
                message.Write(buffer, 0, result.Count);
            }

            if (result.EndOfMessage)
            {
                return oversized ? OversizedFrame : Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
            }
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
