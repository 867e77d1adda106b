using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Bot.Slack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Bot.Tests.Slack;

/// <summary>Socket Mode against a local WebSocket server (Kestrel on 127.0.0.1, random port) playing Slack's side.</summary>
public sealed class SlackSocketModeTests
{
    [Fact]
    public async Task Envelopes_AreAcknowledgedAndAnswered_AndDisconnectReconnects()
    {
        await using var server = await FakeSocketServer.StartAsync();
        var slack = new FakeSlack { SocketUrl = server.Url };
        using var app = new SlackTestApp(
            new Dictionary<string, string?> { ["Slack:SocketMode"] = "true", ["Slack:AppToken"] = "xapp-test", ["Slack:SigningSecret"] = string.Empty },
            slack);

        await server.SecondConnection.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var calls = await slack.WaitForCallsAsync(4);

        Assert.Equal(["env-event", "env-command", "env-stranger"], server.Acks);
        var opens = calls.Where(c => c.ApiMethod == "apps.connections.open").ToList();
        Assert.Equal(2, opens.Count);
        Assert.All(opens, c => Assert.Equal("Bearer xapp-test", c.Authorization));
        var post = Assert.Single(calls, c => c.ApiMethod == "chat.postMessage");
        Assert.Equal("C0CHANNEL", post.Json.GetProperty("channel").GetString());
        Assert.Equal("5.1", post.Json.GetProperty("thread_ts").GetString());
        Assert.Equal("ROI bot commands", post.Json.GetProperty("text").GetString());
        var response = Assert.Single(calls, c => c.Uri.ToString() == SlackTestApp.ResponseUrl);
        Assert.Equal("ROI bot commands", response.Json.GetProperty("text").GetString());
    }

    [Fact]
    public async Task FrameOverOneMegabyte_DroppedUnacknowledged_ConnectionKeepsWorking()
    {
        await using var server = await FakeSocketServer.StartAsync(oversizedFirst: true);
        var slack = new FakeSlack { SocketUrl = server.Url };
        using var app = new SlackTestApp(
            new Dictionary<string, string?> { ["Slack:SocketMode"] = "true", ["Slack:AppToken"] = "xapp-test", ["Slack:SigningSecret"] = string.Empty },
            slack);

        await server.SecondConnection.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await slack.WaitForCallsAsync(4);

        // The oversized envelope was neither acknowledged nor answered; the ones after it on the same connection were.
        Assert.Equal(["env-event", "env-command", "env-stranger"], server.Acks);
        Assert.Single(slack.Calls, c => c.ApiMethod == "chat.postMessage");
        var warning = Assert.Single(app.Logs.Lines, line => line.Contains("Socket Mode frame over", StringComparison.Ordinal));
        Assert.StartsWith("Warning", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Backoff_DoublesUpTo30Seconds()
    {
        Assert.Equal([1, 2, 4, 8, 16, 30, 30], new[] { 1, 2, 3, 4, 5, 6, 20 }.Select(n => SlackSocketMode.Backoff(n).TotalSeconds));
    }

    private sealed class FakeSocketServer : IAsyncDisposable
    {
        private readonly WebApplication web;
        private int connections;

        private readonly bool oversizedFirst;

        private FakeSocketServer(WebApplication web, bool oversizedFirst) => (this.web, this.oversizedFirst) = (web, oversizedFirst);

        public ConcurrentQueue<string> AckQueue { get; } = new();

        public IReadOnlyList<string> Acks => [.. AckQueue];

        public TaskCompletionSource SecondConnection { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Url => web.Urls.Single().Replace("http://", "ws://", StringComparison.Ordinal) + "/link";

        public static async Task<FakeSocketServer> StartAsync(bool oversizedFirst = false)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var web = builder.Build();
            var server = new FakeSocketServer(web, oversizedFirst);
            web.UseWebSockets();
            web.Map("/link", server.ServeAsync);
            await web.StartAsync();
            return server;
        }

        private async Task ServeAsync(HttpContext context)
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var number = Interlocked.Increment(ref connections);
            await SendAsync(socket, """{"type":"hello","num_connections":1,"connection_info":{"app_id":"A1"}}""");
            if (number > 1)
            {
                SecondConnection.TrySetResult();
                await ReceiveAsync(socket); // stays open until the bot stops
                return;
            }

            if (oversizedFirst)
            {
                // A well-formed envelope, just too big: a mention whose text alone is 2 MB.
                var huge = SlackTestApp.EventEnvelope(SlackTestApp.Mention(new string('x', 2 << 20), ts: "5.0"), "Ev0HUGE");
                await SendAsync(socket, $$"""{"envelope_id":"env-huge","type":"events_api","accepts_response_payload":false,"payload":{{huge}}}""");
            }

            await SendAsync(socket, $$"""{"envelope_id":"env-event","type":"events_api","accepts_response_payload":false,"retry_attempt":0,"retry_reason":"","payload":{{SlackTestApp.EventEnvelope(SlackTestApp.Mention("help", ts: "5.1"), "Ev0SOCKET")}}}""");
            AckQueue.Enqueue(await AckAsync(socket));
            await SendAsync(socket, $$$"""{"envelope_id":"env-command","type":"slash_commands","accepts_response_payload":true,"payload":{"team_id":"{{{SlackTestApp.AllowedTeam}}}","channel_id":"C0CHANNEL","user_id":"U0ASKER","user_name":"ada","command":"/roi","text":"help","response_url":"{{{SlackTestApp.ResponseUrl}}}","trigger_id":"1.2"}}""");
            AckQueue.Enqueue(await AckAsync(socket));
            await SendAsync(socket, $$"""{"envelope_id":"env-stranger","type":"events_api","accepts_response_payload":false,"payload":{{SlackTestApp.EventEnvelope(SlackTestApp.Mention("help", ts: "5.2"), "Ev0STRANGER", team: "T0STRANGER")}}}""");
            AckQueue.Enqueue(await AckAsync(socket));
            await SendAsync(socket, """{"type":"disconnect","reason":"refresh_requested","debug_info":{"host":"local"}}""");
            await ReceiveAsync(socket);
        }

        private static async Task<string> AckAsync(WebSocket socket)
        {
            var ack = JsonSerializer.Deserialize<JsonElement>(await ReceiveAsync(socket) ?? "{}");
            return ack.GetProperty("envelope_id").GetString()!;
        }

        private static Task SendAsync(WebSocket socket, string json) =>
            socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        private static async Task<string?> ReceiveAsync(WebSocket socket)
        {
            var buffer = new byte[16 * 1024];
            using var message = new MemoryStream();
            try
            {
                while (true)
                {
                    var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                        return null;
                    }

                    message.Write(buffer, 0, result.Count);
                    if (result.EndOfMessage)
                    {
                        return Encoding.UTF8.GetString(message.ToArray());
                    }
                }
            }
            catch (WebSocketException)
            {
                return null;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await web.StopAsync();
            await web.DisposeAsync();
        }
    }
}
