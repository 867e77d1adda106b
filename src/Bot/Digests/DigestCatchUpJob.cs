using Quartz;

namespace Bot.Digests;

/// <summary>Runs once at each start: posts the periods that fell due while the bot was down and were never posted.</summary>
[DisallowConcurrentExecution]
internal sealed class DigestCatchUpJob(DigestDeliverer deliverer, TimeProvider time) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await deliverer.RunAsync(time.GetUtcNow(), cancellationToken);
}
