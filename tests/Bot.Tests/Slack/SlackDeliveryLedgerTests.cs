using Bot.Slack;

namespace Bot.Tests.Slack;

/// <summary>On the real SQLite file the host migrated.</summary>
public sealed class SlackDeliveryLedgerTests
{
    [Fact]
    public async Task SameKey_ClaimedTwice_SecondClaimFails()
    {
        using var app = new BotApplication();
        var ledger = app.Service<SlackDeliveryLedger>();

        Assert.NotNull(await ledger.TryClaimAsync(["event:Ev1"], CancellationToken.None));
        Assert.Null(await ledger.TryClaimAsync(["event:Ev1"], CancellationToken.None));
    }

    [Fact]
    public async Task AnsweredKey_StillHeldAfter10Minutes_FreeAgainAfterTheWindow()
    {
        using var app = new BotApplication();
        var ledger = app.Service<SlackDeliveryLedger>();
        await ledger.CompleteAsync((await ledger.TryClaimAsync(["event:Ev1"], CancellationToken.None))!, CancellationToken.None);

        app.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(await ledger.TryClaimAsync(["event:Ev1"], CancellationToken.None));
        app.Time.Advance(SlackDeliveryLedger.Window);
        Assert.NotNull(await ledger.TryClaimAsync(["event:Ev1"], CancellationToken.None));
    }

    [Fact]
    public async Task OneKeyTaken_NoneOfTheOthersIsClaimed()
    {
        using var app = new BotApplication();
        var ledger = app.Service<SlackDeliveryLedger>();
        await ledger.TryClaimAsync(["message:C1:1.1"], CancellationToken.None);

        Assert.Null(await ledger.TryClaimAsync(["event:Ev2", "message:C1:1.1"], CancellationToken.None));
        Assert.NotNull(await ledger.TryClaimAsync(["event:Ev2"], CancellationToken.None));
    }

    [Fact]
    public async Task ConcurrentClaims_ExactlyOneWins()
    {
        using var app = new BotApplication();
        var ledger = app.Service<SlackDeliveryLedger>();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => ledger.TryClaimAsync(["event:EvRace"], CancellationToken.None))));

        Assert.Single(results, claim => claim is not null);
    }

    [Fact]
    public async Task Released_KeyCanBeClaimedAgain()
    {
        using var app = new BotApplication();
        var ledger = app.Service<SlackDeliveryLedger>();
        var claim = await ledger.TryClaimAsync(["event:Ev3"], CancellationToken.None);

        await ledger.ReleaseAsync(claim!, CancellationToken.None);

        Assert.NotNull(await ledger.TryClaimAsync(["event:Ev3"], CancellationToken.None));
    }

    /// <summary>Slack: 2-minute default lease; its retries come at about 1 and 5 minutes.</summary>
    [Fact]
    public async Task Unanswered_RetryAtOneMinuteSkipped_RetryAfterTheLeaseTakesItOver()
    {
        using var app = new BotApplication();
        var ledger = app.Service<SlackDeliveryLedger>();
        var first = await ledger.TryClaimAsync(["event:Ev4", "message:C1:4.1"], CancellationToken.None);

        app.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await ledger.TryClaimAsync(["event:Ev4", "message:C1:4.1"], CancellationToken.None));
        app.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await ledger.TryClaimAsync(["event:Ev4", "message:C1:4.1"], CancellationToken.None));
        app.Time.Advance(TimeSpan.FromMilliseconds(1));
        var takeover = await ledger.TryClaimAsync(["event:Ev4", "message:C1:4.1"], CancellationToken.None);

        Assert.NotNull(takeover);
        Assert.NotEqual(first!.Owner, takeover.Owner);
    }

    [Fact]
    public async Task Answered_RetryAfterTheLease_Skipped()
    {
        using var app = new BotApplication();
        var ledger = app.Service<SlackDeliveryLedger>();
        await ledger.CompleteAsync((await ledger.TryClaimAsync(["event:Ev5"], CancellationToken.None))!, CancellationToken.None);

        app.Time.Advance(TimeSpan.FromMinutes(5));

        Assert.Null(await ledger.TryClaimAsync(["event:Ev5"], CancellationToken.None));
    }

    [Fact]
    public async Task TakenOver_FirstOwnerCannotRenewCompleteOrRelease()
    {
        using var app = new BotApplication();
        var ledger = app.Service<SlackDeliveryLedger>();
        var first = (await ledger.TryClaimAsync(["event:Ev6"], CancellationToken.None))!;
        app.Time.Advance(TimeSpan.FromMinutes(3));
        var takeover = (await ledger.TryClaimAsync(["event:Ev6"], CancellationToken.None))!;

        Assert.False(await ledger.TryRenewAsync(first, CancellationToken.None));
        await ledger.ReleaseAsync(first, CancellationToken.None);
        await ledger.CompleteAsync(first, CancellationToken.None);

        // Still the takeover's, still processing: its lease keeps a retry away, and it alone can finish.
        Assert.Null(await ledger.TryClaimAsync(["event:Ev6"], CancellationToken.None));
        Assert.True(await ledger.TryRenewAsync(takeover, CancellationToken.None));
        app.Time.Advance(TimeSpan.FromMinutes(3));
        Assert.NotNull(await ledger.TryClaimAsync(["event:Ev6"], CancellationToken.None));
    }

    [Fact]
    public async Task Renewed_LeaseRunsFromTheRenewal()
    {
        using var app = new BotApplication();
        var ledger = app.Service<SlackDeliveryLedger>();
        var claim = (await ledger.TryClaimAsync(["event:Ev7"], CancellationToken.None))!;
        app.Time.Advance(TimeSpan.FromSeconds(90));

        Assert.True(await ledger.TryRenewAsync(claim, CancellationToken.None));
        app.Time.Advance(TimeSpan.FromSeconds(90));

        Assert.Null(await ledger.TryClaimAsync(["event:Ev7"], CancellationToken.None));
    }

    [Fact]
    public async Task LeaseSetting_OneMinute_RetryAfterItTakesOver()
    {
        using var app = new BotApplication(new Dictionary<string, string?> { ["Slack:DeliveryLease"] = "00:01:00" });
        var ledger = app.Service<SlackDeliveryLedger>();
        await ledger.TryClaimAsync(["event:Ev8"], CancellationToken.None);

        app.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Null(await ledger.TryClaimAsync(["event:Ev8"], CancellationToken.None));
        app.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.NotNull(await ledger.TryClaimAsync(["event:Ev8"], CancellationToken.None));
    }
}
