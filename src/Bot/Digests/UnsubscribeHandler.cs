using Bot.Chat;
using Bot.Roi;

namespace Bot.Digests;

/// <summary>`roi unsubscribe [monthly|quarterly]`: stops one digest, or both, for this conversation.</summary>
internal sealed class UnsubscribeHandler(SubscriptionStore store, ReportingClock clock) : ICommandHandler
{
    public const string CommandName = "unsubscribe";

    public string Name => CommandName;

    public IReadOnlyList<string> Usage { get; } = ["roi unsubscribe [monthly|quarterly]"];

    public string Summary => "stop the digests in this conversation (both when no kind is given)";

    public async Task<Reply> HandleAsync(CommandContext context, CommandArguments arguments, CancellationToken cancellationToken)
    {
        IReadOnlyList<DigestKind> kinds;
        if (arguments.Count == 0)
        {
            kinds = DigestKinds.All;
        }
        else if (arguments.Count == 1 && DigestKinds.TryParse(arguments[0], out var kind))
        {
            kinds = [kind];
        }
        else
        {
            return Reply.Error($"'{arguments.Text}' is not a digest I know", "Forms: `roi unsubscribe`, `roi unsubscribe monthly` or `roi unsubscribe quarterly`.");
        }

        var stopped = await store.UnsubscribeAsync(context.Address, kinds, clock.UtcNow, cancellationToken);
        if (stopped.Count == 0)
        {
            var which = kinds.Count == 1 ? $"the {kinds[0].Name()} digest" : "any digest";
            return new Reply($"Not subscribed to {which}") { Body = ["Nothing changed. `roi subscriptions` lists this conversation's digests."] };
        }

        return new Reply($"Unsubscribed from the {string.Join(" and ", stopped.Select(k => k.Name()))} digest{(stopped.Count > 1 ? "s" : string.Empty)}")
        {
            Body = [$"This conversation gets no more {string.Join(" or ", stopped.Select(k => k.Name()))} digests; one not yet posted is cancelled."],
        };
    }
}
