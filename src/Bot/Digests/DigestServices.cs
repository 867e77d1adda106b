using Bot.Chat;
using Microsoft.Extensions.Options;
using Quartz;

namespace Bot.Digests;

internal static class DigestServices
{
    public static readonly JobKey FireJob = new("digest-fire", "digests");
    public static readonly JobKey CatchUpJob = new("digest-catch-up", "digests");
    public static readonly JobKey RetryJob = new("digest-retry", "digests");
    public static readonly TriggerKey MonthlyTrigger = new("digest-monthly", "digests");
    public static readonly TriggerKey QuarterlyTrigger = new("digest-quarterly", "digests");
    public static readonly TriggerKey RetryTrigger = new("digest-retry", "digests");

    public static void AddDigests(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DigestOptions>().BindConfiguration(DigestOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<DigestSchedule>();
        builder.Services.AddSingleton<SubscriptionStore>();
        builder.Services.AddSingleton<DeliveryLog>();
        builder.Services.AddSingleton<DigestComposer>();
        builder.Services.AddSingleton<DigestDeliverer>();
        builder.Services.AddSingleton<ICommandHandler, SubscribeHandler>();
        builder.Services.AddSingleton<ICommandHandler, UnsubscribeHandler>();
        builder.Services.AddSingleton<ICommandHandler, SubscriptionsHandler>();
        builder.Services.AddSingleton<ICommandHandler, DigestHandler>();

        // In-memory store: the delivery log in SQLite, not Quartz, remembers what was posted. The scheduler takes
        // the TimeProvider registered in the container; cron triggers resolve in the reporting time zone.
        builder.AddQuartz(quartz =>
        {
            quartz.UseInMemoryStore();
            quartz.AddJob<DigestFireJob>(job => job.WithIdentity(FireJob).StoreDurably());
            quartz.AddTrigger((services, trigger) => trigger
                .WithIdentity(MonthlyTrigger)
                .ForJob(FireJob)
                .WithCronSchedule(services.GetRequiredService<DigestSchedule>().Cron(DigestKind.Monthly)));
            quartz.AddTrigger((services, trigger) => trigger
                .WithIdentity(QuarterlyTrigger)
                .ForJob(FireJob)
                .WithCronSchedule(services.GetRequiredService<DigestSchedule>().Cron(DigestKind.Quarterly)));

            quartz.AddJob<DigestCatchUpJob>(job => job.WithIdentity(CatchUpJob).StoreDurably());
            quartz.RunAtStartup(CatchUpJob);

            quartz.AddJob<DigestRetryJob>(job => job.WithIdentity(RetryJob).StoreDurably());
            quartz.AddTrigger((services, trigger) => trigger
                .WithIdentity(RetryTrigger)
                .ForJob(RetryJob)
                .StartNow()
                .WithSimpleSchedule(schedule => schedule.WithInterval(services.GetRequiredService<IOptions<DigestOptions>>().Value.RetryPollInterval).RepeatForever()));
        });
        builder.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        builder.Services.AddSingleton<IConfigureOptions<QuartzHostedServiceOptions>, SchedulerSwitch>();
    }

    /// <summary>Digests:SchedulerEnabled=false builds the scheduler but leaves it stopped.</summary>
    private sealed class SchedulerSwitch(IOptions<DigestOptions> digests) : IConfigureNamedOptions<QuartzHostedServiceOptions>
    {
        public void Configure(string? name, QuartzHostedServiceOptions options) => options.AutoStart = digests.Value.SchedulerEnabled;

        public void Configure(QuartzHostedServiceOptions options) => Configure(Options.DefaultName, options);
    }
}
