using System.Net;

namespace Bot.Tests.Teams;

/// <summary>An over-long message is answered with a short error, not echoed back into the conversation.</summary>
public sealed class TeamsLongMessageTests
{
    [Fact]
    public async Task MessageOverTheCap_ShortErrorNotEchoed()
    {
        using var host = new TeamsHost();
        var pasted = new string('x', 100_000);

        var response = await host.PostActivityAsync(TeamsHost.Message("long-1", "<at>ROI</at> roi " + pasted), host.Fake.CreateToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var post = Assert.Single(await host.Fake.WaitForPostsAsync(1));
        Assert.Contains("That message is too long", post.Body, StringComparison.Ordinal);
        Assert.True(post.Body.Length < 4_000, $"the answer is {post.Body.Length} characters");
        Assert.DoesNotContain("xxxxxxxxxx", post.Body, StringComparison.Ordinal);
    }
}
