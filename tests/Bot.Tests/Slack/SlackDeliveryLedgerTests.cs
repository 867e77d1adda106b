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

        Assert.True(await ledger.TryClaimAsync(["event:Ev1"], CancellationToken.None));
        Assert.False(await ledger.TryClaimAsync(["event:Ev1"], CancellationToken.None));
    }

    [Fact]
    public async Task Key_StillHeldAfter10Minutes_FreeAgainAfterTheWindow()
    {
        using var app = new BotApplication();
        var ledger = app.Service<SlackDeliveryLedger>();
        await ledger.TryClaimAsync(["event:Ev1"], CancellationToken.None);

        app.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.False(await ledger.TryClaimAsync(["event:Ev1"], CancellationToken.None));
        app.Time.Advance(SlackDeliveryLedger.Window);
        Assert.True(await ledger.TryClaimAsync(["event:Ev1"], CancellationToken.None));
    }

    [Fact]
    public async Task OneKeyTaken_NoneOfTheOthersIsClaimed()
    {
        using var app = new BotApplication();
        var ledger = app.Service<SlackDeliveryLedger>();
        await ledger.TryClaimAsync(["message:C1:1.1"], CancellationToken.None);

        Assert.False(await ledger.TryClaimAsync(["event:Ev2", "message:C1:1.1"], CancellationToken.None));
        Assert.True(await ledger.TryClaimAsync(["event:Ev2"], CancellationToken.None));
    }

    [Fact]
    public async Task ConcurrentClaims_ExactlyOneWins()
    {
        using var app = new BotApplication();
        var ledger = app.Service<SlackDeliveryLedger>();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => ledger.TryClaimAsync(["event:EvRace"], CancellationToken.None))));

        Assert.Single(results, claimed => claimed);
    }

    [Fact]
    public async Task Released_KeyCanBeClaimedAgain()
    {
        using var app = new BotApplication();
        var ledger = app.Service<SlackDeliveryLedger>();
        await ledger.TryClaimAsync(["event:Ev3"], CancellationToken.None);

        await ledger.ReleaseAsync(["event:Ev3"], CancellationToken.None);

        Assert.True(await ledger.TryClaimAsync(["event:Ev3"], CancellationToken.None));
    }
}
