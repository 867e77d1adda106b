using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bot.Tests.Local;

public sealed class LocalChatTests
{
    [Fact]
    public async Task Help_ThroughApiChat_ListsBaselineCommand()
    {
        using var app = new BotApplication();
        var response = await app.CreateClient().PostAsJsonAsync("/api/chat", new { text = "roi help" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ROI bot commands", body.GetProperty("reply").GetProperty("title").GetString());
        Assert.Contains("roi baseline <feature> <minutes>m @ $<rate>/h", body.GetProperty("text").GetString());
    }

    [Fact]
    public async Task EmptyText_Returns400()
    {
        using var app = new BotApplication();
        var response = await app.CreateClient().PostAsJsonAsync("/api/chat", new { text = "  " });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Page_IsServedAtRoot()
    {
        using var app = new BotApplication();
        var html = await app.CreateClient().GetStringAsync("/");
        Assert.Contains("<form id=\"ask\">", html);
    }
}
