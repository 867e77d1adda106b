using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bot.Chat;
using Bot.Usage;
using static Bot.Tests.Usage.UsageTestKit;

namespace Bot.Tests.Usage;

/// <summary>Values no real usage has are refused with their item and field, so nothing stored can break a report.</summary>
public sealed class UsageLimitsTests
{
    private static readonly CommandContext Alice = new(new ChatAddress("local", "local"), "U1", "alice");

    private static readonly Dictionary<string, string?> ExpensiveModel = new()
    {
        ["Prices:Overrides:acme-llm:InputPerMillion"] = "1000",
        ["Prices:Overrides:acme-llm:OutputPerMillion"] = "1000",
    };

    [Fact]
    public async Task PostUsage_CostAboveRecordLimit_Returns400OnCostUsdAndStoresNothing()
    {
        using var app = new BotApplication();
        var (status, errors, _) = await PostAsync(app, Item(extra: "\"cost_usd\": 1000000"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal([(0L, "cost_usd", "1000000 is more than 10,000 dollars, the most one record may cost: check the figure.")], errors);
        Assert.Equal(0L, Scalar<long>(app, "SELECT COUNT(*) FROM usage_records"));
    }

    [Fact]
    public async Task PostUsage_PricedTokensAboveRecordLimit_Returns400OnCostUsdInsteadOfOverflowing()
    {
        using var app = new BotApplication(ExpensiveModel);
        var (status, errors, _) = await PostAsync(app, Item(model: "acme-llm", input: "10000000", output: "10000000"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var (index, field, message) = Assert.Single(errors);
        Assert.Equal((0L, "cost_usd"), (index, field));
        Assert.Equal("the tokens at acme-llm's price ($1000.00 in / $1000.00 out per 1M) cost $20,000.00, more than $10,000.00, the most one record may cost: check the token counts.", message);
        Assert.Equal(0L, Scalar<long>(app, "SELECT COUNT(*) FROM usage_records"));
    }

    [Theory]
    [InlineData("\"99999999999999999999\"", "99999999999999999999 is too large (at most 10,000,000,000).")]
    [InlineData("99999999999999999999", "99999999999999999999 is too large (at most 10,000,000,000).")]
    [InlineData("1e30", "1e30 is too large (at most 10,000,000,000).")]
    [InlineData("10000000001", "10000000001 is too large (at most 10,000,000,000).")]
    public async Task PostUsage_HugeTokenCount_SaysTooLarge(string tokens, string expected)
    {
        using var app = new BotApplication();
        var (status, errors, _) = await PostAsync(app, Item(output: tokens));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal([(0L, "output_tokens", expected)], errors);
    }

    [Theory]
    [InlineData("05/11/2026 10:00 +00:00", "'05/11/2026 10:00 +00:00' is not an ISO 8601 time such as 2026-11-05T10:00:00Z.")]
    [InlineData("Nov 5 2026 10:00 +01:00", "'Nov 5 2026 10:00 +01:00' is not an ISO 8601 time such as 2026-11-05T10:00:00Z.")]
    [InlineData("2026-11-05", "'2026-11-05' is not an ISO 8601 time such as 2026-11-05T10:00:00Z.")]
    [InlineData("Thu, 05 Nov 2026 10:00:00 GMT", "'Thu, 05 Nov 2026 10:00:00 GMT' is not an ISO 8601 time such as 2026-11-05T10:00:00Z.")]
    [InlineData("1793836800", "'1793836800' is not an ISO 8601 time such as 2026-11-05T10:00:00Z.")]
    [InlineData("2026-11-05T00:00:00", "'2026-11-05T00:00:00' has no time zone: add Z (UTC) or an offset, such as 2026-11-05T10:00:00Z or 2026-11-05T11:00:00+01:00.")]
    public async Task PostUsage_NotIsoWithZone_Returns400SayingWhatIsExpected(string timestamp, string expected)
    {
        using var app = new BotApplication();
        var (status, errors, _) = await PostAsync(app, Item(timestamp: timestamp));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal([(0L, "timestamp", expected)], errors);
    }

    [Fact]
    public async Task PostUsage_IsoWithOffset_IsStoredInUtc()
    {
        using var app = new BotApplication();
        var (status, _, _) = await PostAsync(app, Item(timestamp: "2026-11-05 11:00:00.5+01:00"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(DateTimeOffset.Parse("2026-11-05T10:00:00.5Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), Scalar<long>(app, "SELECT occurred_at FROM usage_records"));
    }

    [Fact]
    public async Task PostUsage_HugeFeatureValue_EchoesOnlyTheFirst60Characters()
    {
        using var app = new BotApplication();
        var feature = new string('x', 100_000) + "!";
        var (status, errors, _) = await PostAsync(app, Item(feature: feature));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var (_, field, message) = Assert.Single(errors);
        Assert.Equal("feature", field);
        Assert.StartsWith($"'{new string('x', 60)}…' is not a feature name", message, StringComparison.Ordinal);
        Assert.True(message.Length < 300, $"{message.Length} characters");
    }

    [Fact]
    public async Task PostUsage_DailySumPastCeiling_Returns400AndStoresNothing()
    {
        using var app = new BotApplication();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(app, Item(extra: "\"cost_usd\": 1"))).Status);
        Execute(app, "UPDATE usage_daily SET cost_nanos = @Ceiling", new { Ceiling = UsageValidation.MaxDailyCostNanos - 500_000_000 });

        var (status, _, detail) = await PostAsync(app, Item(extra: "\"cost_usd\": 1, \"record_id\": \"second\""));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
            "The records of support-triage with gpt-4o-mini on 2026-11-10 would cost $1,000,000,000.50 that day, more than $1,000,000,000.00, the most one feature, model and day may sum to: check the costs; nothing was stored.",
            detail);
        Assert.Equal(1L, Scalar<long>(app, "SELECT COUNT(*) FROM usage_records"));
        Assert.Equal(UsageValidation.MaxDailyCostNanos - 500_000_000, Scalar<long>(app, "SELECT cost_nanos FROM usage_daily"));
        Assert.Equal("integer", Scalar<string>(app, "SELECT typeof(cost_nanos) FROM usage_daily"));
    }

    [Fact]
    public async Task PostUsage_TenThousandMillionDollarRecords_AreRefusedAndRoiStillAnswers()
    {
        using var app = new BotApplication();
        var body = "[" + string.Join(",", Enumerable.Range(0, 10_000).Select(i => Item(extra: $"\"cost_usd\": 1000000, \"record_id\": \"r{i}\""))) + "]";
        var (status, errors, detail) = await PostAsync(app, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("10000 of 10000 records have problems", detail, StringComparison.Ordinal);
        Assert.All(errors, e => Assert.Equal("cost_usd", e.Field));
        Assert.Equal(0L, Scalar<long>(app, "SELECT COUNT(*) FROM usage_daily"));
        var reply = await app.Service<ChatDispatcher>().HandleAsync(Alice, "roi", CancellationToken.None);
        Assert.DoesNotContain("Something went wrong", reply.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Price_RepricingAboveRecordLimit_IsRefusedWithReasonAndSavesNothing()
    {
        using var app = new BotApplication();
        await IngestAsync(app, "tests", Record(model: "acme-llm", input: 10_000_000_000, output: 10_000_000_000));

        var reply = await app.Service<ChatDispatcher>().HandleAsync(Alice, "roi price acme-llm input $1000 output $1000", CancellationToken.None);

        Assert.True(reply.IsError);
        Assert.Equal("Price not set for acme-llm: At this price a stored record of support-triage on 2026-11-10 would cost $20,000,000.00, more than $10,000.00, the most one record may cost; the price was not saved.", reply.Title);
        Assert.Equal(0L, Scalar<long>(app, "SELECT COUNT(*) FROM price_overrides"));
        Assert.Equal("unpriced", Scalar<string>(app, "SELECT cost_source FROM usage_records"));
        var shown = await app.Service<ChatDispatcher>().HandleAsync(Alice, "roi price acme-llm", CancellationToken.None);
        Assert.StartsWith("acme-llm is unpriced", shown.Body[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_ModelIdsDifferingOnlyInCase_AreOneModel()
    {
        using var app = new BotApplication();
        await IngestAsync(app, "tests", Record(model: "GPT-4o", output: 10), Record(model: " gpt-4o", output: 20));

        Assert.Equal(["gpt-4o"], Rows<string>(app, "SELECT DISTINCT model FROM usage_records"));
        Assert.Equal([("gpt-4o", 2L)], Rows<(string, long)>(app, "SELECT model, records FROM usage_daily"));

        var again = await IngestAsync(app, "tests", Record(model: "GPT-4o", output: 10), Record(model: " gpt-4o", output: 20));
        Assert.Equal((0L, 2L), (again.Stored, again.Duplicates));
    }

    private static string Item(
        string timestamp = "2026-11-10T12:00:00Z", string feature = "support-triage", string model = "gpt-4o-mini", string input = "10", string output = "1", string? extra = null) =>
        $$"""{"timestamp": {{JsonSerializer.Serialize(timestamp)}}, "feature": {{JsonSerializer.Serialize(feature)}}, "model": "{{model}}", "input_tokens": {{input}}, "output_tokens": {{output}}{{(extra is null ? "" : ", " + extra)}}}""";

    private static async Task<(HttpStatusCode Status, List<(long Index, string Field, string Message)> Errors, string? Detail)> PostAsync(BotApplication app, string body)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + await CreateKeyAsync(app, "k" + Guid.NewGuid().ToString("N")[..8]));
        var response = await client.PostAsync("/api/usage", new StringContent(body.StartsWith('[') ? body : "[" + body + "]", Encoding.UTF8, "application/json"));
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return (response.StatusCode, [], null);
        }

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.TryGetProperty("errors", out var list)
            ? list.EnumerateArray().Select(e => (e.GetProperty("index").GetInt64(), e.GetProperty("field").GetString()!, e.GetProperty("message").GetString()!)).ToList()
            : [];
        return (response.StatusCode, errors, problem.GetProperty("detail").GetString());
    }
}
