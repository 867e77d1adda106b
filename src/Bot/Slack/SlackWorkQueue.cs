using System.Threading.Channels;
using Bot.Chat;

namespace Bot.Slack;

/// <summary>Where an answer goes: a slash command's response_url, or a channel (and thread) via chat.postMessage.</summary>
internal sealed record SlackReplyTarget(string Channel, string? ThreadTs, Uri? ResponseUrl);

/// <summary>One acknowledged request whose answer is still to be computed and posted.</summary>
internal sealed record SlackWork(CommandContext Context, string Text, SlackReplyTarget Target);

/// <summary>
/// Requests are acknowledged at once and answered from this queue by <see cref="SlackReplyWorker"/>. Bounded: when
/// full, the request is refused (Slack retries) instead of growing without limit.
/// </summary>
internal sealed class SlackWorkQueue
{
    public const int Capacity = 1024;

    private readonly Channel<SlackWork> channel = Channel.CreateBounded<SlackWork>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
    });

    public bool TryEnqueue(SlackWork work) => channel.Writer.TryWrite(work);

    public IAsyncEnumerable<SlackWork> ReadAllAsync(CancellationToken cancellationToken) => channel.Reader.ReadAllAsync(cancellationToken);
}
