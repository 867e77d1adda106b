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

    [Theory]
    [InlineData("{\"text\": ")]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    public async Task ApiChat_MalformedJson_Returns400ProblemNamingTheForm(string body)
    {
        using var app = new BotApplication();
        var response = await app.CreateClient().PostAsync("/api/chat", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("The body must be JSON like {\"text\": \"roi help\"} (Content-Type: application/json).", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Page_IsServedAtRoot()
    {
        using var app = new BotApplication();
        var html = await app.CreateClient().GetStringAsync("/");
        Assert.Contains("<form id=\"ask\">", html);
    }
}
