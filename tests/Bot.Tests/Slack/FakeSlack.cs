using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Bot.Tests.Slack;

/// <summary>One outbound call the bot made to Slack, as Slack would have received it.</summary>
internal sealed record SlackCall(HttpMethod Method, Uri Uri, string? Authorization, string? ContentType, string Body)
{
    public string ApiMethod => Uri.AbsolutePath.Split('/').Last();

    public JsonElement Json => JsonSerializer.Deserialize<JsonElement>(Body);
}

/// <summary>
/// A fake Slack at the HTTP edge: records every request and answers `ok: true` (or a scripted answer).
/// <see cref="Gate"/> can hold answers back to make the bot's work slow.
/// </summary>
internal sealed class FakeSlack : HttpMessageHandler
{
    private readonly ConcurrentQueue<SlackCall> calls = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpResponseMessage>>> scripted = new();
    private readonly SemaphoreSlim arrived = new(0);

    public TaskCompletionSource Gate { get; private set; } = CompletedGate();

    public IReadOnlyList<SlackCall> Calls => [.. calls];

    public string SocketUrl { get; set; } = "wss://example.invalid/link";

    public void HoldAnswers() => Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseAnswers() => Gate.TrySetResult();

    /// <summary>The next call to <paramref name="apiMethod"/> gets this answer instead of `ok: true`.</summary>
    public void Then(string apiMethod, Func<HttpResponseMessage> answer) =>
        scripted.GetOrAdd(apiMethod, _ => new ConcurrentQueue<Func<HttpResponseMessage>>()).Enqueue(answer);

    /// <summary>Waits until at least <paramref name="count"/> calls arrived (answered or held), or fails after the timeout (10 s).</summary>
    public async Task<IReadOnlyList<SlackCall>> WaitForCallsAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = timeout ?? TimeSpan.FromSeconds(10);
        while (calls.Count < count)
        {
            if (!await arrived.WaitAsync(deadline))
            {
                throw new TimeoutException($"Expected {count} call(s) to Slack, got {calls.Count}: {string.Join(", ", calls.Select(c => c.ApiMethod))}");
            }
        }

        return Calls;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var call = new SlackCall(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), request.Content?.Headers.ContentType?.MediaType, body);
        calls.Enqueue(call);
        arrived.Release();
        await Gate.Task.WaitAsync(cancellationToken);

        if (scripted.TryGetValue(call.ApiMethod, out var answers) && answers.TryDequeue(out var answer))
        {
            return answer();
        }

        if (call.Uri.Host == "hooks.slack.com")
        {
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("ok") };
        }

        var json = call.ApiMethod switch
        {
            "chat.postMessage" => """{"ok":true,"channel":"C1","ts":"1700000000.000100"}""",
            "apps.connections.open" => JsonSerializer.Serialize(new { ok = true, url = SocketUrl }),
            "files.getUploadURLExternal" => """{"ok":true,"upload_url":"https://files.slack.com/upload/v1/abc","file_id":"F123"}""",
            _ => """{"ok":true}""",
        };
        return Json(json);
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource();
        gate.SetResult();
        return gate;
    }
}
