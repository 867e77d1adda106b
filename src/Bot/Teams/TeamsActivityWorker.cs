using System.Threading.Channels;
using Bot.Chat;

namespace Bot.Teams;

/// <summary>Activities accepted by `/api/messages`, waiting to be answered: the endpoint acks at once, this answers.</summary>
internal sealed class TeamsInbox
{
    private readonly Channel<TeamsActivity> channel = Channel.CreateBounded<TeamsActivity>(new BoundedChannelOptions(1000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    public ValueTask EnqueueAsync(TeamsActivity activity, CancellationToken cancellationToken) => channel.Writer.WriteAsync(activity, cancellationToken);

    public IAsyncEnumerable<TeamsActivity> ReadAllAsync(CancellationToken cancellationToken) => channel.Reader.ReadAllAsync(cancellationToken);
}

/// <summary>Answers accepted activities in the background, a few at a time: a message gets the chat core's reply,
/// an install stores the conversation and says hello.</summary>
internal sealed class TeamsActivityWorker(TeamsInbox inbox, ChatDispatcher dispatcher, TeamsStore store, TeamsMessenger messenger, ILogger<TeamsActivityWorker> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Parallel.ForEachAsync(inbox.ReadAllAsync(stoppingToken), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = stoppingToken }, async (activity, ct) =>
        {
            try
            {
                await HandleAsync(activity, ct);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogError(exception, "Teams activity {ActivityId} of type {Type} could not be answered", activity.Id, activity.Type);
            }
        });

    internal async Task HandleAsync(TeamsActivity activity, CancellationToken cancellationToken)
    {
        if (activity.Type == TeamsActivity.MessageType)
        {
            await store.SaveConversationAsync(Reference(activity), cancellationToken);
            var text = TeamsMentions.Strip(activity.Text, activity.Entities);
            var reply = await dispatcher.HandleAsync(Context(activity), text, cancellationToken);
            await messenger.ReplyAsync(activity, reply, cancellationToken);
            return;
        }

        if (activity.Type == TeamsActivity.ConversationUpdateType && TeamsChat.RemovesTheBot(activity))
        {
            // Teams refuses posts from a removed bot; forgetting the conversation makes a digest say so plainly.
            await store.ForgetConversationAsync(activity.Conversation!.Id!, cancellationToken);
            return;
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
            await messenger.SendAsync(conversation, hello, $"hello:{conversation.ConversationId}:{activity.Id}", cancellationToken);
        }
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
