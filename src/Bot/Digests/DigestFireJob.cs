using Quartz;

namespace Bot.Digests;

/// <summary>Fired by the monthly and quarterly cron triggers: claim what fell due and post it.</summary>
[DisallowConcurrentExecution]
internal sealed class DigestFireJob(DigestDeliverer deliverer, TimeProvider time) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        // Never earlier than the fire it stands for, so that fire's period is owed even if the clock reads a hair early.
        var now = time.GetUtcNow();
        var asOf = context.ScheduledFireTimeUtc is { } scheduled && scheduled > now ? scheduled : now;
        await deliverer.RunAsync(asOf, cancellationToken);
    }
}
