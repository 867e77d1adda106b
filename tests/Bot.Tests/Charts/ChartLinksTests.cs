using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Bot.Charts;
using Bot.Chat;

namespace Bot.Tests.Charts;

public sealed partial class ChartLinksTests
{
    private const string Key = "test-signing-key-0123456789abcdefghijklmnop";

    private static readonly byte[] Png = ChartRendererSample();

    private static BotApplication NewApp() => new(new Dictionary<string, string?>
    {
        ["Charts:SigningKey"] = Key,
        ["Charts:PublicBaseUrl"] = "https://roi.example.com/",
        ["Charts:LinkLifetime"] = "01:00:00",
    });

    private static byte[] ChartRendererSample() => ChartRenderer.FeatureTrendPng(ChartSamples.MeetingSummary());

    [Fact]
    public async Task CreateUrl_ValidLink_ServesThePng()
    {
        using var app = NewApp();
        var url = app.Service<IChartLinks>().CreateUrl(new ReplyChart(Png, "alt", "c.png"));

        Assert.Matches(LinkPattern(), url.ToString());
        using var response = await app.CreateClient().GetAsync(url.PathAndQuery);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public void CreateUrl_TwoCharts_DifferentUnguessableIds()
    {
        using var app = NewApp();
        var links = app.Service<IChartLinks>();

        var first = links.CreateUrl(new ReplyChart(Png, "alt", "c.png"));
        var second = links.CreateUrl(new ReplyChart(Png, "alt", "c.png"));

        Assert.NotEqual(first.AbsolutePath, second.AbsolutePath);
    }

    [Fact]
    public async Task Serve_LinkPastItsLifetime_Forbidden()
    {
        using var app = NewApp();
        var url = app.Service<IChartLinks>().CreateUrl(new ReplyChart(Png, "alt", "c.png"));
        using var client = app.CreateClient();

        app.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url.PathAndQuery)).StatusCode);
        app.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(url.PathAndQuery)).StatusCode);
    }

    [Theory]
    [InlineData("sig")]
    [InlineData("exp")]
    [InlineData("id")]
    [InlineData("no-sig")]
    public async Task Serve_TamperedLink_Refused(string part)
    {
        using var app = NewApp();
        var url = app.Service<IChartLinks>().CreateUrl(new ReplyChart(Png, "alt", "c.png")).PathAndQuery;
        var match = LinkPattern().Match("https://roi.example.com" + url);
        var (id, exp, sig) = (match.Groups["id"].Value, match.Groups["exp"].Value, match.Groups["sig"].Value);
        var tampered = part switch
        {
            "sig" => $"/charts/{id}.png?exp={exp}&sig={(sig[0] == 'A' ? 'B' : 'A')}{sig[1..]}",
            "exp" => $"/charts/{id}.png?exp={long.Parse(exp, System.Globalization.CultureInfo.InvariantCulture) + 86_400}&sig={sig}",
            "id" => $"/charts/{(id[0] == 'a' ? 'b' : 'a')}{id[1..]}.png?exp={exp}&sig={sig}",
            _ => $"/charts/{id}.png?exp={exp}",
        };

        using var response = await app.CreateClient().GetAsync(tampered);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Serve_UnknownIdWithValidSignature_NotFound()
    {
        using var app = NewApp();
        var id = new string('0', 32);
        var exp = app.Time.GetUtcNow().AddMinutes(5).ToUnixTimeSeconds();
        var sig = ChartLinkSigner.Sign(Encoding.UTF8.GetBytes(Key), id, exp);

        using var response = await app.CreateClient().GetAsync($"/charts/{id}.png?exp={exp}&sig={sig}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task CreateUrl_NoPublicBaseUrl_UsesTheRequestHost()
    {
        using var app = new BotApplication(new Dictionary<string, string?> { ["Charts:SigningKey"] = Key });
        var accessor = app.Service<Microsoft.AspNetCore.Http.IHttpContextAccessor>();
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        http.Request.Scheme = "https";
        http.Request.Host = new Microsoft.AspNetCore.Http.HostString("bot.example.net");
        accessor.HttpContext = http;

        var url = app.Service<IChartLinks>().CreateUrl(new ReplyChart(Png, "alt", "c.png"));

        Assert.StartsWith("https://bot.example.net/charts/", url.ToString(), StringComparison.Ordinal);
        accessor.HttpContext = null;
        Assert.Throws<InvalidOperationException>(() => app.Service<IChartLinks>().CreateUrl(new ReplyChart(Png, "alt", "c.png")));
    }

    [Fact]
    public async Task CreateUrl_NoSigningKey_LinksWorkWithinTheProcess()
    {
        using var app = new BotApplication(new Dictionary<string, string?> { ["Charts:PublicBaseUrl"] = "https://roi.example.com" });
        var url = app.Service<IChartLinks>().CreateUrl(new ReplyChart(Png, "alt", "c.png"));

        using var response = await app.CreateClient().GetAsync(url.PathAndQuery);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var signedWithTestKey = ChartLinkSigner.Sign(Encoding.UTF8.GetBytes(Key), LinkPattern().Match(url.ToString()).Groups["id"].Value, long.Parse(LinkPattern().Match(url.ToString()).Groups["exp"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain(signedWithTestKey, url.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_EachOutcome()
    {
        var key = Encoding.UTF8.GetBytes(Key);
        var now = BotApplication.DefaultNow;
        var exp = now.AddMinutes(1).ToUnixTimeSeconds();
        var sig = ChartLinkSigner.Sign(key, "abc", exp);
        var text = exp.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(ChartLinkCheck.Valid, ChartLinkSigner.Check(key, "abc", text, sig, now));
        Assert.Equal(ChartLinkCheck.MissingSignature, ChartLinkSigner.Check(key, "abc", text, null, now));
        Assert.Equal(ChartLinkCheck.MissingSignature, ChartLinkSigner.Check(key, "abc", null, sig, now));
        Assert.Equal(ChartLinkCheck.Mismatch, ChartLinkSigner.Check(key, "abd", text, sig, now));
        Assert.Equal(ChartLinkCheck.Mismatch, ChartLinkSigner.Check(Encoding.UTF8.GetBytes(Key + "x"), "abc", text, sig, now));
        Assert.Equal(ChartLinkCheck.Mismatch, ChartLinkSigner.Check(key, "abc", "-1", sig, now));
        Assert.Equal(ChartLinkCheck.Mismatch, ChartLinkSigner.Check(key, "abc", text, "%%%", now));
        Assert.Equal(ChartLinkCheck.Expired, ChartLinkSigner.Check(key, "abc", text, sig, now.AddMinutes(1)));
    }

    [Fact]
    public async Task Start_ShortSigningKey_RefusedWithoutEchoingIt()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => RealHost.StartAndStopAsync("--Charts:SigningKey=short-secret"));

        Assert.Contains("Charts__SigningKey is shorter than 32 characters", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short-secret", error.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^https://roi\.example\.com/charts/(?<id>[0-9a-f]{32})\.png\?exp=(?<exp>\d+)&sig=(?<sig>[A-Za-z0-9_-]{43})$")]
    private static partial Regex LinkPattern();
}
