using Bot.Chat;
using Bot.Roi;
using Microsoft.Extensions.Options;

namespace Bot.Digests;

/// <summary>
/// Does what the jobs ask: claims every period a subscription is owed up to an instant (the same work at a cron fire,
/// at start-up after downtime, and at a repeated fire), then posts every due claim it can lease.
/// Exactly one post per (subscription, kind, period) rests on the claim row and the lease, not on the trigger.
/// </summary>
internal sealed class DigestDeliverer(
    SubscriptionStore subscriptions,
    DeliveryLog log,
    DigestSchedule schedule,
    DigestComposer composer,
    IEnumerable<IChatSender> senders,
    TimeProvider time,
    IOptions<DigestOptions> options,
    ILogger<DigestDeliverer> logger)
{
    /// <summary>Names this process in lease rows, so a lease can only be released by whoever took it.</summary>
    private readonly string owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>Claims what fell due up to <paramref name="asOf"/>, then posts what is due.</summary>
    public async Task<DeliveryRun> RunAsync(DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        var claimed = await ClaimDueAsync(asOf, cancellationToken);
        var posted = await SendDueAsync(asOf, cancellationToken);
        return posted with { Claimed = claimed };
    }

    /// <summary>Inserts a claim row for each fire since each subscription began; existing claims are left alone.</summary>
    public async Task<int> ClaimDueAsync(DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        var claimed = 0;
        foreach (var subscription in await subscriptions.ActiveAsync(cancellationToken))
        {
            var fires = schedule.FiresBetween(subscription.Kind, subscription.SubscribedAt, asOf);
            if (fires.Count == 0)
            {
                continue;
            }

            var known = await log.ClaimedPeriodsAsync(subscription.Id, subscription.Kind, cancellationToken);
            foreach (var fire in fires)
            {
                var period = schedule.PeriodOf(subscription.Kind, fire).Label;
                if (!known.Contains(period) && await log.ClaimAsync(subscription.Id, subscription.Kind, period, fire, time.GetUtcNow(), cancellationToken))
                {
                    claimed++;
                }
            }
        }

        return claimed;
    }

    /// <summary>Posts each pending delivery whose time has come and that no one else holds.</summary>
    public async Task<DeliveryRun> SendDueAsync(DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var byPlatform = senders.GroupBy(s => s.Platform, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var replies = new Dictionary<(DigestKind, string), Reply>();
        int sent = 0, failed = 0;
        foreach (var (delivery, address) in await log.DueAsync(asOf, cancellationToken))
        {
            if (!await log.TryLeaseAsync(delivery.Id, owner, asOf, asOf + settings.SendLease, cancellationToken))
            {
                continue; // another fire or another instance has it
            }

            var attempt = delivery.Attempts + 1;
            try
            {
                if (!byPlatform.TryGetValue(address.Platform, out var sender))
                {
                    // Nothing to retry: no adapter for this platform is configured in this bot.
                    await log.MarkFailedAsync(delivery.Id, owner, $"No chat sender for platform '{address.Platform}'.", time.GetUtcNow(), retryAt: null, cancellationToken);
                    logger.LogError("Digest {Kind} {Period} for subscription {Subscription} failed: no chat sender for platform {Platform}", delivery.Kind.Name(), delivery.Period, delivery.SubscriptionId, address.Platform);
                    failed++;
                    continue;
                }

                if (!replies.TryGetValue((delivery.Kind, delivery.Period), out var reply))
                {
                    var period = ParsePeriod(delivery.Period);
                    reply = await composer.ComposeAsync(delivery.Kind, period, cancellationToken);
                    replies[(delivery.Kind, delivery.Period)] = reply;
                }

                await sender.SendAsync(address.ConversationId, reply, IdempotencyKey(delivery), cancellationToken);
                await log.MarkSentAsync(delivery.Id, owner, time.GetUtcNow(), cancellationToken);
                logger.LogInformation("Posted the {Kind} digest for {Period} to {Platform}:{Conversation} (attempt {Attempt})", delivery.Kind.Name(), delivery.Period, address.Platform, address.ConversationId, attempt);
                sent++;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                DateTimeOffset? retryAt = attempt >= settings.MaxAttempts ? null : now + Backoff(attempt, settings);
                await log.MarkFailedAsync(delivery.Id, owner, $"{exception.GetType().Name}: {exception.Message}", now, retryAt, CancellationToken.None);
                if (retryAt is null)
                {
                    logger.LogError(exception, "Digest {Kind} {Period} for {Platform}:{Conversation} failed for good after {Attempts} attempts", delivery.Kind.Name(), delivery.Period, address.Platform, address.ConversationId, attempt);
                }
                else
                {
                    logger.LogWarning(exception, "Digest {Kind} {Period} for {Platform}:{Conversation} failed (attempt {Attempt}); retrying at {RetryAt}", delivery.Kind.Name(), delivery.Period, address.Platform, address.ConversationId, attempt, retryAt);
                }

                failed++;
            }
        }

        return new DeliveryRun(0, sent, failed);
    }

    /// <summary>Initial delay doubled per further failure, capped.</summary>
    internal static TimeSpan Backoff(int attempt, DigestOptions settings)
    {
        var delay = settings.RetryInitialDelay * Math.Pow(2, Math.Min(attempt - 1, 30));
        return delay > settings.RetryMaxDelay ? settings.RetryMaxDelay : delay;
    }

    /// <summary>The same for every try of one delivery, so a platform that honours it drops a repeat.</summary>
    internal static string IdempotencyKey(DigestDelivery delivery) => $"digest-{delivery.SubscriptionId}-{delivery.Kind.Name()}-{delivery.Period}";

    private static ReportingPeriod ParsePeriod(string label) =>
        ReportingPeriod.TryParse(label, default, out var period) ? period : throw new InvalidOperationException($"Bad period '{label}' in the delivery log.");
}

/// <summary>What one run did: periods newly claimed, digests posted, tries that failed.</summary>
internal sealed record DeliveryRun(int Claimed, int Sent, int Failed);
