using System.Globalization;
using Bot.Chat;
using Bot.Roi;

namespace Bot.Digests;

/// <summary>`roi subscriptions`: this conversation's digests, when the next one comes, and how the last one went.</summary>
internal sealed class SubscriptionsHandler(SubscriptionStore store, DeliveryLog log, DigestSchedule schedule, ReportingClock clock) : ICommandHandler
{
    public const string CommandName = "subscriptions";

    public string Name => CommandName;

    public IReadOnlyList<string> Usage { get; } = ["roi subscriptions"];

    public string Summary => "the digests this conversation gets";

    public async Task<Reply> HandleAsync(CommandContext context, CommandArguments arguments, CancellationToken cancellationToken)
    {
        if (arguments.Count > 0)
        {
            return Reply.Error($"`roi subscriptions` takes nothing after it; got '{arguments.Text}'", "Form: `roi subscriptions`.");
        }

        var subscriptions = await store.ForConversationAsync(context.Address, cancellationToken);
        if (subscriptions.Count == 0)
        {
            return new Reply("No digest subscriptions here")
            {
                Body = ["`roi subscribe monthly` or `roi subscribe quarterly` posts the ROI digest to this conversation."],
            };
        }

        var rows = new List<IReadOnlyList<string>>();
        foreach (var subscription in subscriptions)
        {
            var latest = await log.LatestAsync(subscription.Id, 1, cancellationToken);
            var next = schedule.NextFireAfter(subscription.Kind, clock.UtcNow);
            rows.Add(
            [
                subscription.Kind.Name(),
                $"{clock.LocalDay(subscription.SubscribedAt):yyyy-MM-dd} by {subscription.SubscribedBy}",
                next is { } fire ? $"{schedule.Describe(fire)} ({schedule.PeriodOf(subscription.Kind, fire).Label})" : "none",
                latest.Count == 0 ? "none yet" : Describe(latest[0]),
            ]);
        }

        return new Reply("Digest subscriptions in this conversation")
        {
            Tables = [new ReplyTable([new("Digest"), new("Since"), new("Next"), new("Last delivery")], rows)],
            Footnote = "Each period is posted once; a failed post is retried with backoff. `roi unsubscribe [monthly|quarterly]` stops a digest.",
        };
    }

    private string Describe(DigestDelivery delivery) => delivery.Status switch
    {
        DeliveryStatus.Sent => $"{delivery.Period} sent {schedule.Describe(delivery.SentAt!.Value)}",
        DeliveryStatus.Pending when delivery.Attempts == 0 => $"{delivery.Period} due, posting",
        DeliveryStatus.Pending => $"{delivery.Period} failed {delivery.Attempts} time{(delivery.Attempts == 1 ? string.Empty : "s")} ({delivery.LastError}); next try {schedule.Describe(delivery.NextAttemptAt)}",
        DeliveryStatus.Failed => $"{delivery.Period} FAILED after {delivery.Attempts.ToString(CultureInfo.InvariantCulture)} attempt{(delivery.Attempts == 1 ? string.Empty : "s")}: {delivery.LastError}",
        _ => $"{delivery.Period} cancelled ({delivery.LastError})",
    };
}
