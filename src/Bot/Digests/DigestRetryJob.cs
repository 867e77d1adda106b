using Quartz;

namespace Bot.Digests;

/// <summary>Runs every poll interval: posts failed digests whose retry time has come.</summary>
[DisallowConcurrentExecution]
internal sealed class DigestRetryJob(DigestDeliverer deliverer, TimeProvider time) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await deliverer.SendDueAsync(time.GetUtcNow(), cancellationToken);
}
