using Bot.Digests;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Digests;

/// <summary>Exactly one post per (subscription, kind, period): the delivery log decides, whatever fires how often.</summary>
public sealed class DigestDeliveryTests
{
    private static readonly DateTimeOffset Subscribed = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset DecemberFire = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero); // UTC reporting zone

    [Fact]
    public async Task CatchUp_BotDownAtFireTime_PostsTheMissedDigestOnceOnStart()
    {
        var folder = Directory.CreateTempSubdirectory("roi-bot-digest-").FullName;
        var database = Path.Combine(folder, "roi.db");
        using (var before = new BotApplication(DigestHosts.Settings(databasePath: database), Subscribed))
        {
            var reply = await before.Services.AskAsync("roi subscribe monthly");
            Assert.Equal("Subscribed to the monthly digest", reply.Title);
        }

        // Down over the 1 December fire; started again on 3 December with the scheduler running.
        var sender = new RecordingSender();
        using var after = new BotApplication(DigestHosts.Settings(scheduler: true, databasePath: database), new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero));
        var host = after.WithSender(sender);
        _ = host.Services;
        await sender.WaitForFirstPostAsync();
        await UntilAsync(async () => (await host.Services.DeliveriesAsync()).All(d => d.Status == "sent")); // the job records the post just after it

        // A second start-up run (a restart, or the cron firing late) finds nothing left to post.
        var again = await host.Services.GetRequiredService<DigestDeliverer>().RunAsync(after.Time.GetUtcNow(), CancellationToken.None);

        Assert.Equal(0, again.Sent);
        var post = Assert.Single(sender.Posts);
        Assert.Equal("C1", post.ConversationId);
        Assert.Equal("Monthly ROI digest — November 2026", post.Reply.Title);
        var row = Assert.Single(await host.Services.DeliveriesAsync());
        Assert.Equal(("2026-11", "sent", 1L), (row.Period, row.Status, row.Attempts));
        SqliteCleanup(folder);
    }

    [Fact]
    public async Task DoubleFire_SameInstant_PostsOnce()
    {
        var sender = new RecordingSender();
        using var app = new BotApplication(DigestHosts.Settings(), Subscribed);
        var host = app.WithSender(sender);
        await host.Services.AskAsync("roi subscribe monthly");
        app.Time.SetUtcNow(DecemberFire);
        var deliverer = host.Services.GetRequiredService<DigestDeliverer>();

        var runs = await Task.WhenAll(deliverer.RunAsync(DecemberFire, CancellationToken.None), deliverer.RunAsync(DecemberFire, CancellationToken.None));
        var late = await deliverer.RunAsync(DecemberFire.AddMinutes(5), CancellationToken.None);

        Assert.Single(sender.Posts);
        Assert.Equal(1, runs.Sum(r => r.Sent));
        Assert.Equal(1, runs.Sum(r => r.Claimed));
        Assert.Equal(0, late.Sent + late.Claimed);
    }

    [Fact]
    public async Task TwoInstances_SameDatabase_PostOnce()
    {
        var folder = Directory.CreateTempSubdirectory("roi-bot-digest-").FullName;
        var database = Path.Combine(folder, "roi.db");
        var sender = new RecordingSender();
        using var first = new BotApplication(DigestHosts.Settings(databasePath: database), Subscribed);
        using var second = new BotApplication(DigestHosts.Settings(databasePath: database), Subscribed);
        var one = first.WithSender(sender);
        var two = second.WithSender(sender);
        await one.Services.AskAsync("roi subscribe quarterly");
        await two.Services.AskAsync("roi subscribe quarterly");
        var fire = new DateTimeOffset(2027, 1, 1, 9, 0, 0, TimeSpan.Zero);
        first.Time.SetUtcNow(fire);
        second.Time.SetUtcNow(fire);

        await Task.WhenAll(
            one.Services.GetRequiredService<DigestDeliverer>().RunAsync(fire, CancellationToken.None),
            two.Services.GetRequiredService<DigestDeliverer>().RunAsync(fire, CancellationToken.None));

        var post = Assert.Single(sender.Posts);
        Assert.Equal("Quarterly ROI digest — Q4 2026", post.Reply.Title);
        Assert.Equal("digest-1-quarterly-2026-Q4", post.IdempotencyKey);
        SqliteCleanup(folder);
    }

    [Fact]
    public async Task FailedPost_IsRecordedAndRetriedWithBackoff_ThenPostedOnce()
    {
        var sender = new RecordingSender { FailuresLeft = 1 };
        using var app = new BotApplication(DigestHosts.Settings(), Subscribed);
        var host = app.WithSender(sender);
        await host.Services.AskAsync("roi subscribe monthly");
        var deliverer = host.Services.GetRequiredService<DigestDeliverer>();
        app.Time.SetUtcNow(DecemberFire);

        var first = await deliverer.RunAsync(DecemberFire, CancellationToken.None);
        var failed = Assert.Single(await host.Services.DeliveriesAsync());
        app.Time.Advance(TimeSpan.FromSeconds(30));
        var tooEarly = await deliverer.SendDueAsync(app.Time.GetUtcNow(), CancellationToken.None);
        app.Time.Advance(TimeSpan.FromSeconds(30));
        var retried = await deliverer.SendDueAsync(app.Time.GetUtcNow(), CancellationToken.None);

        Assert.Equal((0, 1), (first.Sent, first.Failed));
        Assert.Equal(("pending", 1L), (failed.Status, failed.Attempts));
        Assert.True(failed.LastError!.Contains("503"), failed.LastError);
        Assert.Equal(DecemberFire.AddMinutes(1).ToUnixTimeMilliseconds(), failed.NextAttemptAt);
        Assert.Equal(0, tooEarly.Sent + tooEarly.Failed);
        Assert.Equal(1, retried.Sent);
        var sent = Assert.Single(await host.Services.DeliveriesAsync());
        Assert.Equal(("sent", 2L), (sent.Status, sent.Attempts));
        Assert.Single(sender.Posts);
        Assert.Equal(2, sender.Tries);
    }

    [Fact]
    public async Task PostThatKeepsFailing_IsMarkedFailedAndShownInSubscriptions()
    {
        var sender = new RecordingSender { FailuresLeft = 100 };
        using var app = new BotApplication(DigestHosts.Settings(maxAttempts: 2), Subscribed);
        var host = app.WithSender(sender);
        await host.Services.AskAsync("roi subscribe monthly");
        var deliverer = host.Services.GetRequiredService<DigestDeliverer>();

        await deliverer.RunAsync(DecemberFire, CancellationToken.None);
        app.Time.SetUtcNow(DecemberFire.AddMinutes(1));
        await deliverer.SendDueAsync(app.Time.GetUtcNow(), CancellationToken.None);
        app.Time.Advance(TimeSpan.FromHours(2));
        var afterGivingUp = await deliverer.SendDueAsync(app.Time.GetUtcNow(), CancellationToken.None);

        var row = Assert.Single(await host.Services.DeliveriesAsync());
        Assert.Equal(("failed", 2L), (row.Status, row.Attempts));
        Assert.Equal(0, afterGivingUp.Sent + afterGivingUp.Failed);
        var listing = Bot.Chat.PlainTextRenderer.Render(await host.Services.AskAsync("roi subscriptions"));
        Assert.Contains("2026-11 FAILED after 2 attempts: HttpRequestException: platform answered 503", listing);
    }

    [Fact]
    public async Task UnknownPlatform_IsARecordedFailureNotACrash()
    {
        using var app = new BotApplication(DigestHosts.Settings(), Subscribed);
        await app.Services.AskAsync("roi subscribe monthly", platform: "irc");

        var run = await app.Service<DigestDeliverer>().RunAsync(DecemberFire, CancellationToken.None);

        Assert.Equal((0, 1), (run.Sent, run.Failed));
        var row = Assert.Single(await app.Services.DeliveriesAsync());
        Assert.Equal("failed", row.Status);
        Assert.Equal("No chat sender for platform 'irc'.", row.LastError);
    }

    [Fact]
    public async Task SubscriptionMadeAfterTheFire_IsNotOwedThatPeriod()
    {
        var sender = new RecordingSender();
        using var app = new BotApplication(DigestHosts.Settings(), DecemberFire.AddHours(1));
        var host = app.WithSender(sender);
        await host.Services.AskAsync("roi subscribe monthly");

        var run = await host.Services.GetRequiredService<DigestDeliverer>().RunAsync(DecemberFire.AddDays(2), CancellationToken.None);

        Assert.Equal(0, run.Claimed);
        Assert.Empty(sender.Posts);
    }

    [Fact]
    public async Task Unsubscribe_CancelsADigestNotYetPosted()
    {
        var sender = new RecordingSender { FailuresLeft = 1 };
        using var app = new BotApplication(DigestHosts.Settings(), Subscribed);
        var host = app.WithSender(sender);
        await host.Services.AskAsync("roi subscribe monthly");
        var deliverer = host.Services.GetRequiredService<DigestDeliverer>();
        await deliverer.RunAsync(DecemberFire, CancellationToken.None);

        var reply = await host.Services.AskAsync("roi unsubscribe");
        await deliverer.SendDueAsync(DecemberFire.AddHours(1), CancellationToken.None);

        Assert.Equal("Unsubscribed from the monthly digest", reply.Title);
        Assert.Empty(sender.Posts);
        Assert.Equal("cancelled", Assert.Single(await host.Services.DeliveriesAsync()).Status);
    }

    [Fact]
    public async Task Scheduler_OnTheFakeClock_FiresTheMonthlyTriggerAt0900AndPosts()
    {
        var sender = new RecordingSender();
        using var app = new BotApplication(DigestHosts.Settings(zone: "Europe/Berlin", scheduler: true), new DateTimeOffset(2026, 12, 1, 7, 58, 0, TimeSpan.Zero));
        var host = app.WithSender(sender);
        await host.Services.AskAsync("roi subscribe monthly");
        Assert.Empty(sender.Posts);

        app.Time.Advance(TimeSpan.FromMinutes(3)); // past 09:00 Berlin (08:00Z)
        await sender.WaitForFirstPostAsync();

        Assert.Equal("Monthly ROI digest — November 2026", Assert.Single(sender.Posts).Reply.Title);
    }

    /// <summary>Waits for the scheduler's own thread to finish something; fails the test rather than hanging.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token);
        }
    }

    private static void SqliteCleanup(string folder)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS temp cleaner.
        }
    }
}
