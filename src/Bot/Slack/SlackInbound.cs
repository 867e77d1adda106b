using System.Text.Json;
using Bot.Chat;
using Microsoft.Extensions.Options;

namespace Bot.Slack;

internal enum SlackInboundOutcome
{
    Queued,
    Ignored,
    Duplicate,
    ForbiddenTeam,
    Malformed,
    Busy,
    UnknownCommand,
}

/// <summary>A slash command as Slack sends it: form fields over HTTP, a JSON object in Socket Mode.</summary>
internal sealed record SlackSlashCommand(string? TeamId, string? ChannelId, string? UserId, string? UserName, string? Command, string Text, string? ResponseUrl)
{
    public static SlackSlashCommand From(Func<string, string?> field) => new(
        field("team_id"), field("channel_id"), field("user_id"), field("user_name"), field("command"), field("text") ?? string.Empty, field("response_url"));

    public static SlackSlashCommand FromJson(JsonElement payload) =>
        From(name => payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null);
}

/// <summary>
/// Transport-free intake shared by the HTTP endpoint and Socket Mode: checks the workspace, drops bots and
/// duplicates, and queues the rest. Conversation ids are bare Slack channel ids (C…, G…, D…): one bot token
/// serves one workspace, and chat.postMessage takes exactly that id.
/// </summary>
internal sealed class SlackInbound(SlackWorkQueue queue, SlackDeliveryLedger ledger, IOptions<SlackOptions> options, ILogger<SlackInbound> logger)
{
    public const string Platform = "slack";

    /// <summary>The slash commands this adapter answers; manifests/slack/manifest.json must not declare others.</summary>
    public static readonly IReadOnlySet<string> SlashCommands = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "/roi" };

    private readonly IReadOnlySet<string> allowedTeams = options.Value.AllowedTeams();

    public bool IsAllowedTeam(string? teamId) => teamId is not null && allowedTeams.Contains(teamId);

    public async Task<SlackInboundOutcome> AcceptSlashCommandAsync(SlackSlashCommand command, CancellationToken cancellationToken)
    {
        if (!IsAllowedTeam(command.TeamId))
        {
            logger.LogWarning("Refused a Slack slash command from workspace {Team}", command.TeamId);
            return SlackInboundOutcome.ForbiddenTeam;
        }

        if (string.IsNullOrEmpty(command.ChannelId) || string.IsNullOrEmpty(command.UserId)
            || !Uri.TryCreate(command.ResponseUrl, UriKind.Absolute, out var responseUrl))
        {
            return SlackInboundOutcome.Malformed;
        }

        if (command.Command is null || !SlashCommands.Contains(command.Command))
        {
            return SlackInboundOutcome.UnknownCommand;
        }

        var context = new CommandContext(new ChatAddress(Platform, command.ChannelId), command.UserId, command.UserName ?? command.UserId);
        var target = new SlackReplyTarget(command.ChannelId, null, responseUrl);
        if (!options.Value.IsAllowedResponseUrl(responseUrl))
        {
            // Never posted to (it could be a metadata or internal address); the answer goes to the channel instead.
            // Only scheme and host are logged: a real response_url is a credential.
            logger.LogWarning(
                "A Slack slash command in {Channel} named a response_url at {Scheme}://{Host}, which is not an allowed Slack host (Slack:ResponseUrlHosts); answering in the channel instead",
                command.ChannelId, responseUrl.Scheme, responseUrl.IdnHost);
            target = new SlackReplyTarget(command.ChannelId, null, null, context.UserName);
        }

        var work = new SlackWork(context, SlackText.Unescape(command.Text), target);
        return await queue.TryEnqueueAsync(work, cancellationToken) ? SlackInboundOutcome.Queued : SlackInboundOutcome.Busy;
    }

    /// <summary>An Events API `event_callback` body: answers `app_mention` (in a thread) and direct messages.</summary>
    public async Task<SlackInboundOutcome> AcceptEventAsync(JsonElement envelope, CancellationToken cancellationToken)
    {
        if (!IsAllowedTeam(Text(envelope, "team_id")))
        {
            logger.LogWarning("Refused a Slack event from workspace {Team}", Text(envelope, "team_id"));
            return SlackInboundOutcome.ForbiddenTeam;
        }

        if (!envelope.TryGetProperty("event", out var message) || message.ValueKind != JsonValueKind.Object)
        {
            return SlackInboundOutcome.Malformed;
        }

        var type = Text(message, "type");
        var isMention = type == "app_mention";
        var isDirect = type == "message" && Text(message, "channel_type") == "im";
        if (!isMention && !isDirect)
        {
            return SlackInboundOutcome.Ignored;
        }

        // Bots (this one included) carry bot_id; edits, joins and bot_message carry a subtype. Answering them loops.
        if (message.TryGetProperty("bot_id", out _) || message.TryGetProperty("subtype", out _))
        {
            return SlackInboundOutcome.Ignored;
        }

        var eventId = Text(envelope, "event_id");
        var channel = Text(message, "channel");
        var user = Text(message, "user");
        var ts = Text(message, "ts");
        if (eventId is null || channel is null || user is null || ts is null)
        {
            return SlackInboundOutcome.Malformed;
        }

        string[] keys = [SlackDeliveryLedger.EventKey(eventId), SlackDeliveryLedger.MessageKey(channel, ts)];
        var claim = await ledger.TryClaimAsync(keys, cancellationToken);
        if (claim is null)
        {
            logger.LogInformation("Skipped Slack event {EventId}: already answered or being answered", eventId);
            return SlackInboundOutcome.Duplicate;
        }

        var threadTs = Text(message, "thread_ts") ?? (isMention ? ts : null);
        var context = new CommandContext(new ChatAddress(Platform, channel), user, user);
        var work = new SlackWork(context, SlackText.Unescape(Text(message, "text") ?? string.Empty), new SlackReplyTarget(channel, threadTs, null), claim);
        if (await queue.TryEnqueueAsync(work, cancellationToken))
        {
            return SlackInboundOutcome.Queued;
        }

        await ledger.ReleaseAsync(claim, CancellationToken.None);
        return SlackInboundOutcome.Busy;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
