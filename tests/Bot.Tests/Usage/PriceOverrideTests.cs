using Bot.Chat;
using Bot.Roi;
using static Bot.Tests.Usage.UsageTestKit;

namespace Bot.Tests.Usage;

public sealed class PriceOverrideTests
{
    private static readonly CommandContext Alice = new(new ChatAddress("local", "local"), "U1", "alice");

    [Fact]
    public async Task Price_UnpricedModel_RepricesStoredRecordsAndRollups()
    {
        using var app = new BotApplication();
        await IngestAsync(app, "tests", Record(model: "acme-llm", input: 1_000_000, output: 500_000), Record(model: "acme-llm", input: 10, output: 10, cost: 0.25m));

        var reply = await Ask(app, "roi price acme-llm input $1 output $2");

        Assert.False(reply.IsError, string.Join(" ", reply.Body));
        Assert.Equal("Price set for acme-llm", reply.Title);
        Assert.Contains("Re-priced 1 stored record (1 was unpriced); their cost changed by +$2.00.", reply.Body[1]);

        // $1 × 1M input + $2 × 0.5M output = $2; the record with a provider-given cost keeps its $0.25.
        Assert.Equal([(2_000_000_000L, "override"), (250_000_000L, "given")], Rows<(long, string)>(app, "SELECT cost_nanos, cost_source FROM usage_records ORDER BY cost_source DESC"));
        Assert.Equal((2_250_000_000L, 0L), Rows<(long, long)>(app, "SELECT cost_nanos, unpriced_records FROM usage_daily").Single());
    }

    [Fact]
    public async Task Price_ShowUnpricedModel_AsksForTheProvidersPriceWithoutMadeUpNumbers()
    {
        using var app = new BotApplication();

        var reply = await Ask(app, "roi price acme-llm");

        Assert.Equal("acme-llm is unpriced: its tokens are counted but cost nothing in `roi` until you set its provider's list price per million tokens: `roi price acme-llm input $<amount> output $<amount>`.", reply.Body[0]);
    }

    [Fact]
    public async Task Price_FromDate_RepricesOnlyLaterRecordsAndLaterIngestsUseIt()
    {
        using var app = new BotApplication();
        await IngestAsync(app, "tests", Record(timestamp: "2026-10-31T23:00:00Z"), Record(timestamp: "2026-11-01T00:00:00Z"));

        // First override of a model applies to everything unless `from` says otherwise.
        var reply = await Ask(app, "roi price gpt-4o-mini input $1.50 output $6 cached $0.75 from 2026-11-01");
        Assert.False(reply.IsError, string.Join(" ", reply.Body));

        await IngestAsync(app, "tests", Record(timestamp: "2026-11-20T00:00:00Z"));

        // 200 × $0.15/M + 10 × $0.60/M = $0.000036 before; 200 × $1.50/M + 10 × $6/M = $0.00036 after.
        Assert.Equal([36_000L, 360_000L, 360_000L], Rows<long>(app, "SELECT cost_nanos FROM usage_records ORDER BY occurred_at"));
        Assert.Equal([("2026-10-31", 36_000L), ("2026-11-01", 360_000L), ("2026-11-20", 360_000L)], Rows<(string, long)>(app, "SELECT day, cost_nanos FROM usage_daily ORDER BY day"));
    }

    [Fact]
    public async Task Price_WithoutCached_WarnsWhenCatalogHadACachedPrice()
    {
        using var app = new BotApplication();

        var withoutCached = await Ask(app, "roi price gpt-4o-mini input $0.15 output $0.60");
        var withCached = await Ask(app, "roi price gpt-4o input $2.50 output $10 cached $1.25");

        Assert.Contains("No cached price given, so cached input tokens are charged at the input price ($0.15 per million). The catalog's cached price is $0.075: add `cached $0.075` to keep it.", withoutCached.Body);
        Assert.DoesNotContain(withCached.Body, line => line.StartsWith("No cached price", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Price_Show_SaysSourceOfPriceInEffect()
    {
        using var app = new BotApplication();

        var catalog = await Ask(app, "roi price gpt-4o-mini");
        var unknown = await Ask(app, "roi price acme-llm");
        await Ask(app, "roi price gpt-4o-mini input $0.10 output $0.40");
        var overridden = await Ask(app, "roi price GPT-4o-mini");

        Assert.Equal("Now: $0.15 in / $0.075 cached / $0.60 out per 1M (genai-prices 2026-08-21, openai gpt-4o-mini).", catalog.Body[0]);
        Assert.StartsWith("acme-llm is unpriced", unknown.Body[0]);
        Assert.Equal("Now: $0.10 in / $0.40 out per 1M (override by alice).", overridden.Body[0]);
        Assert.Equal("Catalog: $0.15 in / $0.075 cached / $0.60 out per 1M (genai-prices 2026-08-21, openai gpt-4o-mini).", overridden.Body[1]);
        Assert.Equal("alice", overridden.Tables.Single().Rows.Single()[2]);
    }

    [Theory]
    [InlineData("roi price gpt-4o-mini input $0.15", "Both an input and an output price are needed.")]
    [InlineData("roi price gpt-4o-mini input -1 output $1", "The input price must be an amount from $0 to $1,000.00 per million tokens, like `input $0.15`; got '-1'.")]
    [InlineData("roi price gpt-4o-mini input $1 output lots", "The output price must be an amount from $0 to $1,000.00 per million tokens, like `output $0.15`; got 'lots'.")]
    [InlineData("roi price gpt-4o-mini input $1 output $2 from yesterday", "'yesterday' is not a date: use yyyy-mm-dd, for example from 2026-11-01.")]
    [InlineData("roi price gpt-4o-mini $1 $2", "I could not read '$1': start with `input $<amount>`.")]
    [InlineData("roi price", "Which model?")]
    [InlineData("roi price gpt-4o-mini input $1001 output $1", "The input price must be an amount from $0 to $1,000.00 per million tokens, like `input $0.15`; got '$1001'.")]
    [InlineData("roi price gpt-4o-mini input $0.0000000001 output $1", "The input price $0.0000000001 is finer than $0.000000001 per million tokens, the smallest step a price is kept in.")]
    public async Task Price_WrongForm_ExplainsAndChangesNothing(string text, string problem)
    {
        using var app = new BotApplication();
        var reply = await Ask(app, text);

        Assert.True(reply.IsError);
        Assert.Equal(problem, reply.Title);
        Assert.Contains("`roi price <model> input $<amount> output $<amount> [cached $<amount>] [cache-write $<amount>] [from <yyyy-mm-dd>]`", reply.Body);
        Assert.Equal(0L, Scalar<long>(app, "SELECT COUNT(*) FROM price_overrides"));
    }

    [Fact]
    public async Task ConfiguredOverride_BeatsCatalog_AndChatOverrideBeatsIt()
    {
        using var app = new BotApplication(new Dictionary<string, string?>
        {
            ["Prices:Overrides:gpt-4o-mini:InputPerMillion"] = "1",
            ["Prices:Overrides:gpt-4o-mini:OutputPerMillion"] = "2",
        });
        await IngestAsync(app, "tests", Record(input: 1_000_000, output: 1_000_000));
        var info = app.Service<IModelPriceInfo>();

        Assert.Equal(3_000_000_000L, Scalar<long>(app, "SELECT cost_nanos FROM usage_records"));
        Assert.Equal("$1.00 in / $2.00 out per 1M (configured in Prices:Overrides)", info.Describe("gpt-4o-mini", BotApplication.DefaultNow));

        await Ask(app, "roi price gpt-4o-mini input $0.5 output $0.5");
        Assert.Equal(1_000_000_000L, Scalar<long>(app, "SELECT cost_nanos FROM usage_records"));
        Assert.Equal("$0.50 in / $0.50 out per 1M (override by alice)", info.Describe("gpt-4o-mini", BotApplication.DefaultNow));
        Assert.Equal("unpriced", info.Describe("acme-llm", BotApplication.DefaultNow));
    }

    private static Task<Reply> Ask(BotApplication app, string text) => app.Service<ChatDispatcher>().HandleAsync(Alice, text, CancellationToken.None);
}
