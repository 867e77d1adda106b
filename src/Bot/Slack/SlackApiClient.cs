using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bot.Chat;
using Microsoft.Extensions.Options;

namespace Bot.Slack;

/// <summary>A Slack Web API call that answered `ok: false`, or an HTTP failure left after the retries.</summary>
internal sealed class SlackApiException(string method, string error) : Exception($"Slack {method} failed: {error}")
{
    public string Method { get; } = method;

    public string Error { get; } = error;
}

/// <summary>
/// The few Web API methods the bot uses. Every answer's `ok` is checked; Slack's error code is logged, the token never.
/// 429 (honouring Retry-After) and transient failures are retried by the resilience handler registered in
/// <see cref="SlackServices"/>, not here.
/// </summary>
internal sealed class SlackApiClient(HttpClient http, IOptions<SlackOptions> options, ILogger<SlackApiClient> logger)
{
    /// <summary>Posts a message and returns its `ts` (the id to thread under).</summary>
    public async Task<string> PostMessageAsync(string channel, SlackMessage message, string? threadTs, JsonObject? metadata, CancellationToken cancellationToken)
    {
        var body = Json(message.ToJsonBytes(writer =>
        {
            writer.WriteString("channel", channel);
            if (threadTs is not null)
            {
                writer.WriteString("thread_ts", threadTs);
            }

            if (metadata is not null)
            {
                writer.WritePropertyName("metadata");
                metadata.WriteTo(writer);
            }
        }));
        var answer = await CallAsync("chat.postMessage", body, options.Value.BotToken, cancellationToken);
        return answer.TryGetProperty("ts", out var ts) ? ts.GetString() ?? string.Empty : string.Empty;
    }

    /// <summary>A delayed slash-command answer. The response_url is the credential, so it carries no token.</summary>
    public async Task RespondAsync(Uri responseUrl, SlackMessage message, bool visibleToChannel, CancellationToken cancellationToken)
    {
        if (!options.Value.IsAllowedResponseUrl(responseUrl))
        {
            // SlackInbound routes such commands to the channel; this is the last line should another caller forget.
            throw new SlackApiException("response_url", $"refused to post to {responseUrl.Scheme}://{responseUrl.IdnHost}, which is not an allowed Slack host");
        }

        var body = Json(message.ToJsonBytes(writer =>
        {
            writer.WriteString("response_type", visibleToChannel ? "in_channel" : "ephemeral");
            writer.WriteBoolean("replace_original", false);
        }));
        using var response = await http.PostAsync(responseUrl, body, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // Slack answers response_url errors as a short code in the body (no_text, expired_url, ...).
            var error = await response.Content.ReadAsStringAsync(cancellationToken);
            logger.LogWarning("Slack response_url post failed with HTTP {Status}: {Error}", (int)response.StatusCode, Truncate(error));
            throw new SlackApiException("response_url", $"HTTP {(int)response.StatusCode}");
        }
    }

    /// <summary>A fresh, single-use WebSocket URL for Socket Mode; needs the app-level token.</summary>
    public async Task<Uri> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var answer = await CallAsync("apps.connections.open", null, options.Value.AppToken, cancellationToken);
        var url = answer.TryGetProperty("url", out var value) ? value.GetString() : null;
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : throw new SlackApiException("apps.connections.open", "no_url");
    }

    /// <summary>
    /// Uploads each chart after the answer's text, one upload sequence per chart. The text is already out, so a chart
    /// that fails is logged and skipped (the next one still goes): failing the whole answer would make its retry post
    /// the text a second time. Returns how many were shared.
    /// </summary>
    public async Task<int> UploadChartsAsync(string channel, string? threadTs, IReadOnlyList<ReplyChart> charts, CancellationToken cancellationToken)
    {
        var shared = 0;
        foreach (var chart in charts)
        {
            try
            {
                await UploadChartAsync(channel, threadTs, chart, cancellationToken);
                shared++;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Could not upload the chart {FileName} to Slack channel {Channel}; the answer's text was posted without it", chart.FileName, channel);
            }
        }

        return shared;
    }

    /// <summary>Slack's external upload flow: ask for an upload URL, send the bytes, then share the file in the channel.</summary>
    public async Task UploadChartAsync(string channel, string? threadTs, ReplyChart chart, CancellationToken cancellationToken)
    {
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["filename"] = chart.FileName,
            ["length"] = chart.Png.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["alt_txt"] = chart.AltText,
        });
        var ticket = await CallAsync("files.getUploadURLExternal", form, options.Value.BotToken, cancellationToken);
        var uploadUrl = ticket.GetProperty("upload_url").GetString() ?? throw new SlackApiException("files.getUploadURLExternal", "no_upload_url");
        var fileId = ticket.GetProperty("file_id").GetString() ?? throw new SlackApiException("files.getUploadURLExternal", "no_file_id");

        var bytes = new ByteArrayContent(chart.Png);
        bytes.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using (var upload = await http.PostAsync(new Uri(uploadUrl, UriKind.Absolute), bytes, cancellationToken))
        {
            if (!upload.IsSuccessStatusCode)
            {
                logger.LogWarning("Slack file upload failed with HTTP {Status}", (int)upload.StatusCode);
                throw new SlackApiException("file upload", $"HTTP {(int)upload.StatusCode}");
            }
        }

        var complete = new JsonObject
        {
            ["files"] = new JsonArray(new JsonObject { ["id"] = fileId, ["title"] = chart.AltText }),
            ["channel_id"] = channel,
        };
        if (threadTs is not null)
        {
            complete["thread_ts"] = threadTs;
        }

        await CallAsync("files.completeUploadExternal", JsonContent.Create(complete), options.Value.BotToken, cancellationToken);
    }

    private async Task<JsonElement> CallAsync(string method, HttpContent? content, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, method) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            logger.LogWarning("Slack {Method} failed with HTTP {Status}", method, (int)response.StatusCode);
            throw new SlackApiException(method, $"HTTP {(int)response.StatusCode}");
        }

        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        if (answer.ValueKind != JsonValueKind.Object || !answer.TryGetProperty("ok", out var ok) || ok.ValueKind != JsonValueKind.True)
        {
            var error = answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("error", out var code) ? code.GetString() ?? "unknown" : "not_ok";
            logger.LogWarning("Slack {Method} answered ok=false: {Error}", method, error);
            throw new SlackApiException(method, error);
        }

        return answer.Clone();
    }

    private static ByteArrayContent Json(byte[] utf8)
    {
        var content = new ByteArrayContent(utf8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200];
}
