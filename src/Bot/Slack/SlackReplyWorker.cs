using Bot.Chat;

namespace Bot.Slack;

/// <summary>
/// Answers queued Slack requests: the chat core computes the reply, the renderer turns it into Block Kit, and the
/// Web API client posts it. A few consumers run side by side so one slow answer does not hold up the rest.
/// </summary>
internal sealed class SlackReplyWorker(SlackWorkQueue queue, ChatDispatcher dispatcher, IServiceProvider services, ILogger<SlackReplyWorker> logger) : BackgroundService
{
    // Answers are mostly CPU (render, serialize); more consumers than this only compete with the acks for the cores.
    private const int Consumers = 4;

    /// <summary>Slack accepts five posts per response_url.</summary>
    private const int MaxResponseUrlPosts = 5;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Consumers).Select(_ => ConsumeAsync(stoppingToken)));

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        await foreach (var work in queue.ReadAllAsync(stoppingToken))
        {
            try
            {
                await AnswerAsync(work, stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(exception, "Could not answer a Slack request in {Channel}", work.Target.Channel);
            }
        }
    }

    private async Task AnswerAsync(SlackWork work, CancellationToken cancellationToken)
    {
        var reply = await dispatcher.HandleAsync(work.Context, work.Text, cancellationToken);
        var messages = SlackRenderer.Render(reply);
        var slack = services.GetRequiredService<SlackApiClient>();
        if (work.Target.ResponseUrl is { } responseUrl)
        {
            if (messages.Count > MaxResponseUrlPosts)
            {
                // Stated in the last post rather than dropped silently.
                logger.LogWarning("A Slack answer needed {Count} messages; response_url takes {Max}", messages.Count, MaxResponseUrlPosts);
                messages = [.. messages.Take(MaxResponseUrlPosts - 1), TooLong(reply, messages.Count - MaxResponseUrlPosts + 1)];
            }

            foreach (var message in messages)
            {
                await slack.RespondAsync(responseUrl, message, visibleToChannel: !reply.IsError, cancellationToken);
            }
        }
        else
        {
            foreach (var message in messages)
            {
                await slack.PostMessageAsync(work.Target.Channel, message, work.Target.ThreadTs, metadata: null, cancellationToken);
            }
        }

        if (reply.Chart is { } chart)
        {
            await slack.UploadChartAsync(work.Target.Channel, work.Target.ThreadTs, chart, cancellationToken);
        }
    }

    private static SlackMessage TooLong(Reply reply, int omitted) =>
        SlackRenderer.Render(Reply.Error(
            reply.Title + " (cut short)",
            $"{omitted} more part(s) of this answer did not fit in a slash-command response. Ask for a shorter period, or mention the bot in a channel to get the whole answer."))[0];
}
