using System.Runtime.CompilerServices;
using Bot.Chat;

namespace Bot.Slack;

/// <summary>
/// Answers queued Slack requests: the chat core computes the reply, the renderer turns it into Block Kit, and the
/// Web API client posts it. A few consumers run side by side so one slow answer does not hold up the rest. An
/// event's delivery claim is marked done once its answer is posted, and released when posting fails (before any part
/// of the answer went out) or the bot stops first, so that Slack's retry is answered instead of skipped.
/// </summary>
internal sealed class SlackReplyWorker(SlackWorkQueue queue, SlackDeliveryLedger ledger, ChatDispatcher dispatcher, IServiceProvider services, ILogger<SlackReplyWorker> logger) : BackgroundService
{
    // Answers are mostly CPU (render, serialize); more consumers than this only compete with the acks for the cores.
    private const int Consumers = 4;

    /// <summary>Slack accepts five posts per response_url.</summary>
    private const int MaxResponseUrlPosts = 5;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Consumers).Select(_ => ConsumeAsync(stoppingToken)));

    private readonly Lock stopGate = new();
    private Task? stopping;

    /// <summary>
    /// Queued work that never started gives its claims back, so Slack's retries can be answered by another instance.
    /// Once: the host may call this twice, even at the same time, and two drains would each report a part.
    /// </summary>
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        lock (stopGate)
        {
            return stopping ??= StopOnceAsync(cancellationToken);
        }
    }

    private async Task StopOnceAsync(CancellationToken cancellationToken)
    {
        var unstarted = queue.CloseAndDrain();
        await base.StopAsync(cancellationToken);
        foreach (var claim in unstarted.Select(work => work.Claim).OfType<SlackDeliveryClaim>())
        {
            await ReleaseAsync(claim, cancellationToken);
        }

        if (unstarted.Count > 0)
        {
            logger.LogInformation("Stopped with {Count} Slack request(s) not yet answered; their claims were released", unstarted.Count);
        }
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        await foreach (var work in queue.ReadAllAsync(stoppingToken))
        {
            bool answered;
            var anyPosted = new StrongBox<bool>();
            try
            {
                answered = await AnswerAsync(work, anyPosted, stoppingToken);
            }
            catch (Exception exception)
            {
                if (work.Claim is { } claim && anyPosted.Value)
                {
                    // Part of the answer is in Slack already: a retry would post it a second time, so this is final.
                    await CompleteAsync(claim, work);
                }
                else if (work.Claim is { } unanswered)
                {
                    await ReleaseAsync(unanswered, CancellationToken.None);
                }

                if (stoppingToken.IsCancellationRequested)
                {
                    return;
                }

                logger.LogError(exception, "Could not answer a Slack request in {Channel}", work.Target.Channel);
                continue;
            }

            if (answered && work.Claim is { } done)
            {
                await CompleteAsync(done, work);
            }
        }
    }

    private async Task CompleteAsync(SlackDeliveryClaim claim, SlackWork work)
    {
        try
        {
            await ledger.CompleteAsync(claim, CancellationToken.None);
        }
        catch (Exception exception)
        {
            // The answer is out; the lease still keeps retries away until it ends.
            logger.LogError(exception, "Answered a Slack request in {Channel} but could not mark it done", work.Target.Channel);
        }
    }

    /// <summary>False when the claim was taken over by a retry (this worker outlived its lease): that retry answers instead.</summary>
    private async Task<bool> AnswerAsync(SlackWork work, StrongBox<bool> anyPosted, CancellationToken cancellationToken)
    {
        var reply = await dispatcher.HandleAsync(work.Context, work.Text, cancellationToken);
        if (work.Target.SlashCommandBy is { } askedBy)
        {
            var note = $"Answer to {SlackInbound.SlashCommands.First()} from {askedBy}, posted in the channel because the command's reply address was not Slack's.";
            reply = reply with { Footnote = reply.Footnote is { } footnote ? footnote + " " + note : note };
        }

        var messages = SlackRenderer.Render(reply);
        if (work.Claim is { } claim && !await ledger.TryRenewAsync(claim, cancellationToken))
        {
            logger.LogWarning("Not answering a Slack request in {Channel}: its lease ran out and a retry took it over", work.Target.Channel);
            return false;
        }

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
                anyPosted.Value = true;
            }
        }
        else
        {
            foreach (var message in messages)
            {
                await slack.PostMessageAsync(work.Target.Channel, message, work.Target.ThreadTs, metadata: null, cancellationToken);
                anyPosted.Value = true;
            }
        }

        await slack.UploadChartsAsync(work.Target.Channel, work.Target.ThreadTs, reply.Charts, cancellationToken);

        return true;
    }

    private async Task ReleaseAsync(SlackDeliveryClaim claim, CancellationToken cancellationToken)
    {
        try
        {
            await ledger.ReleaseAsync(claim, cancellationToken);
        }
        catch (Exception exception)
        {
            // Not fatal: the lease runs out on its own and the next retry after that is answered.
            logger.LogWarning(exception, "Could not release a Slack delivery claim");
        }
    }

    private static SlackMessage TooLong(Reply reply, int omitted) =>
        SlackRenderer.Render(Reply.Error(
            reply.Title + " (cut short)",
            $"{omitted} more part(s) of this answer did not fit in a slash-command response. Ask for a shorter period, or mention the bot in a channel to get the whole answer."))[0];
}
