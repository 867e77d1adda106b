using System.Threading.Channels;
using Bot.Chat;

namespace Bot.Slack;

/// <summary>
/// Where an answer goes: a slash command's response_url, or a channel (and thread) via chat.postMessage.
/// <paramref name="SlashCommandBy"/> names who ran a slash command that is answered in the channel instead (its
/// response_url was not Slack's), so the channel can tell what the post answers.
/// </summary>
internal sealed record SlackReplyTarget(string Channel, string? ThreadTs, Uri? ResponseUrl, string? SlashCommandBy = null);

/// <summary>
/// One acknowledged request whose answer is still to be computed and posted. Events carry their delivery claim
/// (slash commands have none: Slack does not retry them).
/// </summary>
internal sealed record SlackWork(CommandContext Context, string Text, SlackReplyTarget Target, SlackDeliveryClaim? Claim = null);

/// <summary>
/// Requests are acknowledged at once and answered from this queue by <see cref="SlackReplyWorker"/>. Bounded: when
/// full, an enqueue waits a moment (slowing the ack, well inside Slack's 3 s) and then gives up, so the request is
/// refused and Slack retries it, instead of the queue growing without limit.
/// </summary>
internal sealed class SlackWorkQueue
{
    public const int Capacity = 4096;

    private readonly Channel<SlackWork> channel = Channel.CreateBounded<SlackWork>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
    });

    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);

    /// <summary>False when the queue stays full for <see cref="MaxWait"/> or is closed because the bot is stopping.</summary>
    public async ValueTask<bool> TryEnqueueAsync(SlackWork work, CancellationToken cancellationToken)
    {
        if (channel.Writer.TryWrite(work))
        {
            return true;
        }

        if (channel.Reader.Completion.IsCompleted)
        {
            return false;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(MaxWait);
        try
        {
            await channel.Writer.WriteAsync(work, wait.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>At shutdown: takes no more work and hands back what was queued but never started.</summary>
    public IReadOnlyList<SlackWork> CloseAndDrain()
    {
        channel.Writer.TryComplete();
        var unstarted = new List<SlackWork>();
        while (channel.Reader.TryRead(out var work))
        {
            unstarted.Add(work);
        }

        return unstarted;
    }

    public IAsyncEnumerable<SlackWork> ReadAllAsync(CancellationToken cancellationToken) => channel.Reader.ReadAllAsync(cancellationToken);
}
