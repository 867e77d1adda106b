using System.Net;
using Bot.Chat;
using Bot.Data;
using Bot.Teams;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Teams;

/// <summary>
/// Inbound activity claims (10 s lease) and outbound post claims (3 min lease): a claim left by an instance that
/// stopped is taken over once its lease ends; one being worked on or finished keeps every repeat away.
/// </summary>
public sealed class TeamsLeaseTests
{
    private const string ChannelConversation = "19:aebd0ad4d6ab42c8b9ed19c251c2fc37@thread.skype;messageid=";

    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task Redelivery_AfterTheClaimingInstanceDied_AnsweredOnceItsLeaseEnds()
    {
        using var host = new TeamsHost();
        using (var died = new TeamsHost(new Dictionary<string, string?> { ["Storage:Path"] = host.DatabasePath }))
        {
            // What /api/messages claims for this activity; the instance then died before answering.
            Assert.NotNull(await died.Service<TeamsStore>().ClaimActivityAsync(ChannelConversation + "died-1", "died-1", CancellationToken.None));
        }

        await host.PostActivityAsync(TeamsHost.Message("died-1", "roi help"), host.Fake.CreateToken());
        Assert.Empty(await host.Fake.WaitForPostsAsync(1, Pause));

        host.Time.Advance(TimeSpan.FromSeconds(15));
        var redelivered = await host.PostActivityAsync(TeamsHost.Message("died-1", "roi help"), host.Fake.CreateToken());
        Assert.Equal(HttpStatusCode.OK, redelivered.StatusCode);
        var post = Assert.Single(await host.Fake.WaitForPostsAsync(1));
        Assert.EndsWith("/activities/died-1", post.Uri.AbsolutePath, StringComparison.Ordinal);

        await WaitForActivityStateAsync(host, "died-1", "done");
        host.Time.Advance(TimeSpan.FromMinutes(5));
        await host.PostActivityAsync(TeamsHost.Message("died-1", "roi help"), host.Fake.CreateToken());
        Assert.Single(await host.Fake.WaitForPostsAsync(2, Pause));
    }

    /// <summary>
    /// The first post waits 20 s on a 429; a redelivery after 15 s takes the activity over (its 10 s lease ended) but
    /// finds the reply being posted under the 3-minute post lease, so it posts nothing.
    /// </summary>
    [Fact]
    public async Task Redelivery_WhileTheFirstReplyIsStillPosting_AnsweredOnce()
    {
        using var host = new TeamsHost();
        host.Fake.EnqueueConnectorResponse(() =>
        {
            var throttled = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            throttled.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(20));
            return throttled;
        });

        await host.PostActivityAsync(TeamsHost.Message("slow-1", "roi help"), host.Fake.CreateToken());
        await host.Fake.WaitForPostsAsync(1);
        await Task.Delay(Pause); // lets the retry start its 20 s wait on the fake clock
        host.Time.Advance(TimeSpan.FromSeconds(15));
        await host.PostActivityAsync(TeamsHost.Message("slow-1", "roi help"), host.Fake.CreateToken());
        Assert.Single(await host.Fake.WaitForPostsAsync(2, Pause));

        // The clock moves on in steps until the first reply's retry goes out.
        for (var waited = 0; waited < 60 && host.Fake.ConnectorPosts.Count < 2; waited++)
        {
            host.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }

        Assert.Equal(2, (await host.Fake.WaitForPostsAsync(2)).Count);
        await WaitForPostStateAsync(host, "reply:" + ChannelConversation + "slow-1:slow-1", "done");

        // Later redeliveries find the reply posted.
        host.Time.Advance(TimeSpan.FromSeconds(15));
        await host.PostActivityAsync(TeamsHost.Message("slow-1", "roi help"), host.Fake.CreateToken());
        await WaitForActivityStateAsync(host, "slow-1", "done");
        host.Time.Advance(TimeSpan.FromMinutes(1));
        await host.PostActivityAsync(TeamsHost.Message("slow-1", "roi help"), host.Fake.CreateToken());
        Assert.Equal(2, (await host.Fake.WaitForPostsAsync(3, Pause)).Count);
    }

    [Fact]
    public async Task Post_RefusedForGood_RedeliveryAnsweredOnce()
    {
        using var host = new TeamsHost();
        host.Fake.EnqueueConnectorResponse(() => new HttpResponseMessage(HttpStatusCode.Forbidden));

        await host.PostActivityAsync(TeamsHost.Message("fails-1", "roi help"), host.Fake.CreateToken());
        await host.Fake.WaitForPostsAsync(1);
        await WaitForActivityStateAsync(host, "fails-1", null);
        await host.PostActivityAsync(TeamsHost.Message("fails-1", "roi help"), host.Fake.CreateToken());
        var posts = await host.Fake.WaitForPostsAsync(2);
        await WaitForActivityStateAsync(host, "fails-1", "done");
        await host.PostActivityAsync(TeamsHost.Message("fails-1", "roi help"), host.Fake.CreateToken());

        Assert.Equal(2, (await host.Fake.WaitForPostsAsync(3, Pause)).Count);
        Assert.Equal(posts[0].Body, posts[1].Body);
    }

    [Fact]
    public async Task ProactivePost_ClaimLeftByAStoppedInstance_PostedOnceThePostLeaseEnds()
    {
        using var host = new TeamsHost();
        await host.PostActivityAsync(TeamsHost.BotAdded("install-lease"), host.Fake.CreateToken());
        await host.Fake.WaitForPostsAsync(1);
        var sender = host.Factory.Services.GetServices<IChatSender>().Single(s => s.Platform == "teams");
        Assert.NotNull(await host.Service<TeamsStore>().ClaimPostAsync("send:digest:2026-11", "19:general@thread.tacv2", CancellationToken.None));

        // Not confirmed while the other holder's lease runs: an error, so the digest log tries again later.
        var unconfirmed = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            sender.SendAsync("19:general@thread.tacv2", new Reply("Monthly ROI digest"), "digest:2026-11", CancellationToken.None));
        Assert.Contains("being made by another instance", unconfirmed.Message, StringComparison.Ordinal);
        host.Time.Advance(TimeSpan.FromMinutes(2));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            sender.SendAsync("19:general@thread.tacv2", new Reply("Monthly ROI digest"), "digest:2026-11", CancellationToken.None));
        Assert.Single(host.Fake.ConnectorPosts);

        host.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromMilliseconds(1));
        await sender.SendAsync("19:general@thread.tacv2", new Reply("Monthly ROI digest"), "digest:2026-11", CancellationToken.None);
        await sender.SendAsync("19:general@thread.tacv2", new Reply("Monthly ROI digest"), "digest:2026-11", CancellationToken.None);

        Assert.Equal(2, host.Fake.ConnectorPosts.Count);
        Assert.Equal("Monthly ROI digest", host.Fake.ConnectorPosts[1].Json["summary"]!.GetValue<string>());
    }

    /// <summary>Four workers wait on 429s; two activities wait in the inbox. Nothing waits for a lease to end.</summary>
    [Fact]
    public async Task Stop_WithRepliesInFlightAndQueued_ReleasesTheirClaims_RedeliveriesAnsweredByAnotherInstance()
    {
        using var other = new TeamsHost();
        var stopping = new TeamsHost(new Dictionary<string, string?> { ["Storage:Path"] = other.DatabasePath });
        for (var i = 0; i < 4; i++)
        {
            stopping.Fake.EnqueueConnectorResponse(() =>
            {
                var throttled = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
                throttled.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(60));
                return throttled;
            });
        }

        var ids = Enumerable.Range(1, 6).Select(i => $"stop-{i}").ToList();
        foreach (var id in ids)
        {
            Assert.Equal(HttpStatusCode.OK, (await stopping.PostActivityAsync(TeamsHost.Message(id, "roi help"), stopping.Fake.CreateToken())).StatusCode);
        }

        Assert.Equal(4, (await stopping.Fake.WaitForPostsAsync(4)).Count);
        stopping.Dispose();

        foreach (var id in ids)
        {
            await other.PostActivityAsync(TeamsHost.Message(id, "roi help"), other.Fake.CreateToken());
        }

        var posts = await other.Fake.WaitForPostsAsync(6);
        Assert.Equal(ids, posts.Select(p => p.Json["replyToId"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task Inbox_Closed_RefusesNewWorkAndHandsBackWhatWaited()
    {
        var inbox = new TeamsInbox();
        var waiting = new TeamsInboundWork(new TeamsActivity { Id = "waiting" }, "owner-1");
        Assert.True(await inbox.TryEnqueueAsync(waiting, CancellationToken.None));

        Assert.Equal([waiting], inbox.CloseAndDrain());
        Assert.False(await inbox.TryEnqueueAsync(new TeamsInboundWork(new TeamsActivity { Id = "late" }, "owner-2"), CancellationToken.None));
    }

    private const string ActivityStateSql = "SELECT state FROM teams_inbound_activities WHERE activity_id = @Key";

    private const string PostStateSql = "SELECT state FROM teams_sent_posts WHERE idempotency_key = @Key";

    private static Task WaitForActivityStateAsync(TeamsHost host, string activityId, string? state) => WaitForStateAsync(host, ActivityStateSql, activityId, state);

    private static Task WaitForPostStateAsync(TeamsHost host, string key, string? state) => WaitForStateAsync(host, PostStateSql, key, state);

    /// <summary>Waits (real time: the worker runs in the background) until the row is in <paramref name="state"/>; null = no row.</summary>
    private static async Task WaitForStateAsync(TeamsHost host, string sql, string key, string? state)
    {
        var database = host.Service<Database>();
        string? current = null;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            await using var connection = await database.OpenAsync(CancellationToken.None);
            current = await connection.QuerySingleOrDefaultAsync<string?>(sql, new { Key = key });
            if (current == state)
            {
                return;
            }

            await Task.Delay(25);
        }

        Assert.Fail($"{key} stayed '{current ?? "absent"}', expected '{state ?? "absent"}'");
    }
}
