using System.Threading.Channels;
using Bot.Chat;

namespace Bot.Teams;

/// <summary>An accepted activity and the owner token of its claim in <see cref="TeamsStore"/>.</summary>
internal sealed record TeamsInboundWork(TeamsActivity Activity, string Owner);

/// <summary>Activities accepted by `/api/messages`, waiting to be answered: the endpoint acks at once, this answers.</summary>
internal sealed class TeamsInbox
{
    private readonly Channel<TeamsInboundWork> channel = Channel.CreateBounded<TeamsInboundWork>(new BoundedChannelOptions(1000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    /// <summary>False once the bot is stopping and takes no more work.</summary>
    public async ValueTask<bool> TryEnqueueAsync(TeamsInboundWork work, CancellationToken cancellationToken)
    {
        try
        {
            await channel.Writer.WriteAsync(work, cancellationToken);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    public IAsyncEnumerable<TeamsInboundWork> ReadAllAsync(CancellationToken cancellationToken) => channel.Reader.ReadAllAsync(cancellationToken);

    /// <summary>At shutdown: takes no more work and hands back what was accepted but never started.</summary>
    public IReadOnlyList<TeamsInboundWork> CloseAndDrain()
    {
        channel.Writer.TryComplete();
        var unstarted = new List<TeamsInboundWork>();
        while (channel.Reader.TryRead(out var work))
        {
            unstarted.Add(work);
        }

        return unstarted;
    }
}

/// <summary>Answers accepted activities in the background, a few at a time: a message gets the chat core's reply,
/// an install stores the conversation and says hello. A handled activity's claim is marked done; one that failed,
/// or was still queued when the bot stopped, is released so that Teams' redelivery is answered.</summary>
internal sealed class TeamsActivityWorker(TeamsInbox inbox, ChatDispatcher dispatcher, TeamsStore store, TeamsMessenger messenger, ILogger<TeamsActivityWorker> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Parallel.ForEachAsync(inbox.ReadAllAsync(stoppingToken), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = stoppingToken }, async (work, ct) =>
        {
            var activity = work.Activity;
            bool finished;
            try
            {
                finished = await HandleAsync(activity, ct);
            }
            catch (Exception exception)
            {
                await ReleaseAsync(work, CancellationToken.None);
                if (exception is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    logger.LogError(exception, "Teams activity {ActivityId} of type {Type} could not be answered", activity.Id, activity.Type);
                }

                return;
            }

            if (!finished)
            {
                // Its reply is being posted under another holder's lease; left to the lease so a later redelivery
                // answers if that post fails.
                return;
            }

            try
            {
                await store.CompleteActivityAsync(activity.Conversation!.Id!, activity.Id!, work.Owner, CancellationToken.None);
            }
            catch (Exception exception)
            {
                // Handled all the same; its post is recorded done, so a redelivery after the lease posts nothing twice.
                logger.LogError(exception, "Teams activity {ActivityId} was handled but could not be marked done", activity.Id);
            }
        });

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var unstarted = inbox.CloseAndDrain();
        await base.StopAsync(cancellationToken);
        foreach (var work in unstarted)
        {
            await ReleaseAsync(work, cancellationToken);
        }

        if (unstarted.Count > 0)
        {
            logger.LogInformation("Stopped with {Count} Teams activities not yet handled; their claims were released", unstarted.Count);
        }
    }

    private async Task ReleaseAsync(TeamsInboundWork work, CancellationToken cancellationToken)
    {
        try
        {
            await store.ReleaseActivityAsync(work.Activity.Conversation!.Id!, work.Activity.Id!, work.Owner, cancellationToken);
        }
        catch (Exception exception)
        {
            // Not fatal: the lease runs out on its own and a redelivery after that is answered.
            logger.LogWarning(exception, "Could not release the claim on Teams activity {ActivityId}", work.Activity.Id);
        }
    }

    /// <summary>False when the reply is still being posted by another holder (it may yet fail), so not finished here.</summary>
    internal async Task<bool> HandleAsync(TeamsActivity activity, CancellationToken cancellationToken)
    {
        if (activity.Type == TeamsActivity.MessageType)
        {
            await store.SaveConversationAsync(Reference(activity), cancellationToken);
            var text = TeamsMentions.Strip(activity.Text, activity.Entities);
            var reply = await dispatcher.HandleAsync(Context(activity), text, cancellationToken);
            return await messenger.ReplyAsync(activity, reply, cancellationToken) != TeamsPostOutcome.BeingPosted;
        }

        if (activity.Type == TeamsActivity.ConversationUpdateType && TeamsChat.RemovesTheBot(activity))
        {
            // Teams refuses posts from a removed bot; forgetting the conversation makes a digest say so plainly.
            await store.ForgetConversationAsync(activity.Conversation!.Id!, cancellationToken);
            return true;
        }

        if (activity.Type == TeamsActivity.ConversationUpdateType && TeamsChat.AddsTheBot(activity))
        {
            var conversation = Reference(activity);
            await store.SaveConversationAsync(conversation, cancellationToken);
            var help = await dispatcher.HandleAsync(Context(activity), HelpHandler.CommandName, cancellationToken);
            var hello = help with
            {
                Title = "Hello! I'm the ROI bot",
                Body = ["I compare what each AI feature costs per task with what the same task costs a person. Mention me with a command, for example: roi help", .. help.Body],
            };
            return await messenger.SendAsync(conversation, hello, $"hello:{conversation.ConversationId}:{activity.Id}", cancellationToken) != TeamsPostOutcome.BeingPosted;
        }

        return true;
    }

    private static CommandContext Context(TeamsActivity activity)
    {
        var userId = activity.From?.AadObjectId ?? activity.From?.Id ?? "unknown";
        return new CommandContext(new ChatAddress(TeamsChat.Platform, activity.Conversation!.Id!), userId, activity.From?.Name ?? userId);
    }

    private static TeamsConversation Reference(TeamsActivity activity) => new(
        activity.Conversation!.Id!,
        activity.ServiceUrl!,
        activity.TenantId,
        activity.Conversation.ConversationType,
        activity.ChannelData?.Team?.Id,
        activity.ChannelData?.Channel?.Id,
        activity.Recipient?.Id ?? string.Empty,
        activity.Recipient?.Name);
}
