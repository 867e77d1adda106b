using Bot.Charts;
using Bot.Chat;
using Microsoft.Extensions.Options;

namespace Bot.Teams;

/// <summary>What became of a post made at most once per idempotency key.</summary>
internal enum TeamsPostOutcome
{
    Posted,

    /// <summary>Made before, by this or another instance: nothing to do.</summary>
    AlreadyPosted,

    /// <summary>Another holder is posting it and its lease has not ended: it may still fail, so this is not done.</summary>
    BeingPosted,
}

/// <summary>
/// Turns a <see cref="Reply"/> into a Teams message and posts it at most once per idempotency key: the key is
/// claimed in SQLite before the post, so a second instance or a repeat never posts it again, and given back if
/// the post fails for good (after the HTTP pipeline's retries) so that a later attempt may. The claim is a lease
/// (`Teams:PostLease`): one left behind by an instance that stopped mid-post is taken over once it ends.
/// </summary>
internal sealed class TeamsMessenger(TeamsConnector connector, TeamsStore store, IChartLinks chartLinks, IOptions<ChartOptions> chartOptions, ILogger<TeamsMessenger> logger)
{
    public Task<TeamsPostOutcome> ReplyAsync(TeamsActivity incoming, Reply reply, CancellationToken cancellationToken)
    {
        var conversationId = incoming.Conversation!.Id!;
        return PostOnceAsync($"reply:{conversationId}:{incoming.Id}", conversationId, () =>
        {
            var message = Message(reply, ChartUrls(reply)) with
            {
                From = incoming.Recipient,
                Recipient = incoming.From,
                Conversation = new ConversationAccount(conversationId),
                ReplyToId = incoming.Id,
            };
            return connector.ReplyToActivityAsync(incoming.ServiceUrl!, conversationId, incoming.Id!, message, cancellationToken);
        }, cancellationToken);
    }

    public Task<TeamsPostOutcome> SendAsync(TeamsConversation conversation, Reply reply, string idempotencyKey, CancellationToken cancellationToken)
    {
        return PostOnceAsync(idempotencyKey, conversation.ConversationId, () =>
        {
            var message = Message(reply, ChartUrls(reply)) with
            {
                From = new ChannelAccount(conversation.BotId, conversation.BotName),
                Conversation = new ConversationAccount(conversation.ConversationId),
            };
            return connector.SendToConversationAsync(conversation.ServiceUrl, conversation.ConversationId, message, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>
    /// Signed links Teams fetches the charts from, made only once the post is claimed (a repeat stores no PNG).
    /// Answers are posted from the background, with no request to take a host from, so links need
    /// Charts:PublicBaseUrl; without it (warned at start-up) or when a link cannot be made, the card shows the alt text.
    /// </summary>
    private IReadOnlyList<Uri?> ChartUrls(Reply reply)
    {
        if (reply.Charts.Count == 0 || string.IsNullOrEmpty(chartOptions.Value.PublicBaseUrl))
        {
            return [];
        }

        return [.. reply.Charts.Select(chart =>
        {
            try
            {
                return chartLinks.CreateUrl(chart);
            }
            catch (Exception exception)
            {
                // A picture is an extra: the answer still goes out, with the chart's description.
                logger.LogWarning(exception, "Could not make a link for the chart {FileName}; the Teams card shows its description instead", chart.FileName);
                return (Uri?)null;
            }
        })];
    }

    /// <summary>
    /// The card carries the reply and, as its fallbackText, the plain-text rendering; `summary` (the title) is what
    /// notifications show. Nothing goes in `text`, which Teams would show above the card as a second copy.
    /// </summary>
    internal static TeamsActivity Message(Reply reply, IReadOnlyList<Uri?> chartUrls)
    {
        var message = Render(reply, chartUrls);
        var rows = reply.Tables.Count == 0 ? 0 : reply.Tables.Max(t => t.Rows.Count);
        while (Size(message) > MaxMessageBytes && rows > 1)
        {
            // Teams refuses messages over about 100 KB (413): keep the first rows of each table and say so.
            rows /= 2;
            message = Render(Shortened(reply, rows), chartUrls);
        }

        return message;
    }

    /// <summary>Teams' limit is about 100 KB counted in UTF-16; Microsoft advises staying under 80 KB.</summary>
    internal const int MaxMessageBytes = 80 * 1024;

    private static TeamsActivity Render(Reply reply, IReadOnlyList<Uri?> chartUrls) => new()
    {
        Type = TeamsActivity.MessageType,
        Summary = reply.Title,
        Attachments = [new ActivityAttachment(AdaptiveCardRenderer.ContentType, AdaptiveCardRenderer.Render(reply, chartUrls))],
    };

    private static Reply Shortened(Reply reply, int rows) => reply with
    {
        Tables = [.. reply.Tables.Select(table => table.Rows.Count <= rows ? table : table with { Rows = [.. table.Rows.Take(rows)] })],
        Footnote = $"Too long for one Teams message: tables show their first {rows} rows. Ask about one feature or a shorter period for the rest."
            + (reply.Footnote is null ? string.Empty : " " + reply.Footnote),
    };

    private static int Size(TeamsActivity message) => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(message, TeamsActivity.Json).Length * 2;

    private async Task<TeamsPostOutcome> PostOnceAsync(string idempotencyKey, string conversationId, Func<Task<string?>> post, CancellationToken cancellationToken)
    {
        var owner = await store.ClaimPostAsync(idempotencyKey, conversationId, cancellationToken);
        if (owner is null)
        {
            var done = await store.IsPostDoneAsync(idempotencyKey, cancellationToken);
            logger.LogInformation("Teams post {Key} was already made or is being made; not posting it again", idempotencyKey);
            return done ? TeamsPostOutcome.AlreadyPosted : TeamsPostOutcome.BeingPosted;
        }

        string? activityId;
        try
        {
            activityId = await post();
        }
        catch
        {
            await store.ReleasePostAsync(idempotencyKey, owner, CancellationToken.None);
            throw;
        }

        // Outside the catch: once posted, a failure to record it must not give the key back.
        await store.CompletePostAsync(idempotencyKey, owner, activityId, CancellationToken.None);
        return TeamsPostOutcome.Posted;
    }
}

/// <summary>Proactive posts (digests) to a conversation the bot stored when it was added there.</summary>
internal sealed class TeamsChatSender(TeamsStore store, TeamsMessenger messenger) : IChatSender
{
    public string Platform => TeamsChat.Platform;

    public async Task SendAsync(string conversationId, Reply reply, string idempotencyKey, CancellationToken cancellationToken)
    {
        var conversation = await store.FindConversationAsync(conversationId, cancellationToken)
            ?? throw new InvalidOperationException($"No Teams conversation '{conversationId}' is stored: add the bot to that chat or team first.");
        if (await messenger.SendAsync(conversation, reply, "send:" + idempotencyKey, cancellationToken) == TeamsPostOutcome.BeingPosted)
        {
            // Not confirmed: the other holder may still fail. Thrown so the caller (the digest log) tries again later.
            throw new InvalidOperationException($"The Teams post '{idempotencyKey}' is being made by another instance and is not confirmed yet; try again later.");
        }
    }
}
