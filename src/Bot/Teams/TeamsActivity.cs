using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bot.Teams;

/// <summary>The parts of a Bot Framework activity the bot reads or writes (protocol: Bot Connector REST API v3).</summary>
internal sealed record TeamsActivity
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string? Type { get; init; }
    public string? Id { get; init; }
    public string? ServiceUrl { get; init; }
    public string? ChannelId { get; init; }
    public ChannelAccount? From { get; init; }
    public ChannelAccount? Recipient { get; init; }
    public ConversationAccount? Conversation { get; init; }
    public string? Text { get; init; }
    public string? TextFormat { get; init; }
    public string? Summary { get; init; }
    public string? ReplyToId { get; init; }
    public IReadOnlyList<ActivityEntity>? Entities { get; init; }
    public TeamsChannelData? ChannelData { get; init; }
    public IReadOnlyList<ChannelAccount>? MembersAdded { get; init; }
    public IReadOnlyList<ChannelAccount>? MembersRemoved { get; init; }
    public IReadOnlyList<ActivityAttachment>? Attachments { get; init; }

    public const string MessageType = "message";
    public const string ConversationUpdateType = "conversationUpdate";
    public const string TeamsChannelId = "msteams";

    /// <summary>The tenant as Teams states it: on the conversation, or in the Teams channel data.</summary>
    [JsonIgnore]
    public string? TenantId => Conversation?.TenantId ?? ChannelData?.Tenant?.Id;
}

internal sealed record ChannelAccount(string? Id, string? Name = null)
{
    public string? AadObjectId { get; init; }
}

internal sealed record ConversationAccount(string? Id)
{
    public string? ConversationType { get; init; }
    public string? TenantId { get; init; }
    public bool? IsGroup { get; init; }
    public string? Name { get; init; }
}

internal sealed record ActivityEntity(string? Type)
{
    public ChannelAccount? Mentioned { get; init; }
    public string? Text { get; init; }
}

internal sealed record TeamsChannelData
{
    public TeamsIdentifier? Tenant { get; init; }
    public TeamsIdentifier? Team { get; init; }
    public TeamsIdentifier? Channel { get; init; }
    public string? EventType { get; init; }
}

internal sealed record TeamsIdentifier(string? Id)
{
    public string? Name { get; init; }
}

internal sealed record ActivityAttachment(string ContentType, System.Text.Json.Nodes.JsonNode Content);

/// <summary>The Bot Connector's answer to a post: the new activity's id.</summary>
internal sealed record ResourceResponse(string? Id);
