using System.Text.Json.Nodes;
using Bot.Chat;
using Microsoft.Extensions.Options;

namespace Bot.Slack;

/// <summary>
/// Proactive posts (digests) to a Slack channel id. The idempotency key travels as message metadata so a repeat
/// can be recognised in Slack; skipping repeats is the delivery log's job, not this sender's.
/// </summary>
internal sealed class SlackChatSender(IServiceProvider services, IOptions<SlackOptions> options) : IChatSender
{
    public string Platform => SlackInbound.Platform;

    public async Task SendAsync(string conversationId, Reply reply, string idempotencyKey, CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            throw new InvalidOperationException("Slack is not enabled (Slack:Enabled=false), so nothing can be posted to Slack.");
        }

        var slack = services.GetRequiredService<SlackApiClient>();
        var metadata = new JsonObject
        {
            ["event_type"] = "roi_bot_post",
            ["event_payload"] = new JsonObject { ["idempotency_key"] = idempotencyKey },
        };
        foreach (var message in SlackRenderer.Render(reply))
        {
            await slack.PostMessageAsync(conversationId, message, threadTs: null, metadata, cancellationToken);
        }

        await slack.UploadChartsAsync(conversationId, threadTs: null, reply.Charts, cancellationToken);
    }
}
