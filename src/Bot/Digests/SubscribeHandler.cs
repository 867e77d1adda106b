using Bot.Chat;
using Bot.Roi;

namespace Bot.Digests;

/// <summary>`roi subscribe monthly|quarterly`: this conversation gets that digest from now on.</summary>
internal sealed class SubscribeHandler(SubscriptionStore store, DigestSchedule schedule, ReportingClock clock) : ICommandHandler
{
    public const string CommandName = "subscribe";

    public string Name => CommandName;

    public IReadOnlyList<string> Usage { get; } = ["roi subscribe monthly", "roi subscribe quarterly"];

    public string Summary => "post the monthly or quarterly ROI digest to this conversation";

    public async Task<Reply> HandleAsync(CommandContext context, CommandArguments arguments, CancellationToken cancellationToken)
    {
        if (arguments.Count != 1 || !DigestKinds.TryParse(arguments[0], out var kind))
        {
            return Reply.Error(
                arguments.Count == 0 ? "Which digest?" : $"'{arguments.Text}' is not a digest I know",
                "Forms: `roi subscribe monthly` or `roi subscribe quarterly`.");
        }

        var now = clock.UtcNow;
        var added = await store.SubscribeAsync(context.Address, kind, context.UserName, now, cancellationToken);
        var next = schedule.NextFireAfter(kind, now);
        var when = next is { } fire
            ? $"Next: {schedule.Describe(fire)}, the digest for {schedule.PeriodOf(kind, fire).DisplayName}."
            : "Its schedule has no future fire time; check Digests:" + (kind == DigestKind.Monthly ? "MonthlyCron" : "QuarterlyCron") + ".";
        return new Reply(added ? $"Subscribed to the {kind.Name()} digest" : $"Already subscribed to the {kind.Name()} digest")
        {
            Body = [when, $"`roi digest {kind.Name()}` previews it now; `roi unsubscribe {kind.Name()}` stops it."],
        };
    }
}
