using Bot.Usage.Prices;

namespace Bot.Tests.Usage;

public sealed class PriceCatalogTests
{
    private static readonly PriceCatalog Catalog = PriceCatalog.LoadEmbedded();
    private static readonly DateTimeOffset November = new(2026, 11, 10, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("gpt-4o-mini")]
    [InlineData("GPT-4o-Mini")]
    [InlineData("gpt-4o-mini-2024-07-18")]
    [InlineData("openai/gpt-4o-mini")]
    public void Find_ExactIdEqualsRuleOrProviderPrefix_ReturnsCatalogPrice(string model)
    {
        var quote = Catalog.Find(model, November);

        Assert.NotNull(quote);
        Assert.Equal(new TokenPrices(0.15m, 0.075m, null, 0.6m), quote.Prices);
        Assert.Equal(CostSources.Catalog, quote.CostSource);
        Assert.Equal("genai-prices 2026-08-21, openai gpt-4o-mini", quote.Origin);
    }

    [Theory]
    [InlineData("gpt-4o-mini-turbo")]
    [InlineData("gpt-4o-mini-2099-01-01")]
    [InlineData("my-gpt-4o-mini")]
    [InlineData("anthropic/gpt-4o-mini")]
    [InlineData("claude-sonnet-4-5-20250929")] // matched upstream only by a starts_with rule: not an exact name
    public void Find_SimilarButNotExactName_IsUnpriced(string model)
    {
        Assert.Null(Catalog.Find(model, November));
    }

    [Fact]
    public void Find_ModelWithPriceHistory_UsesPriceInEffectAtTheRecordTime()
    {
        var before = Catalog.Find("o3", new DateTimeOffset(2025, 6, 9, 23, 59, 59, TimeSpan.Zero))!;
        var after = Catalog.Find("o3", new DateTimeOffset(2025, 6, 10, 0, 0, 0, TimeSpan.Zero))!;

        Assert.Equal((10m, 40m), (before.Prices.InputPerMillion, before.Prices.OutputPerMillion));
        Assert.Equal((2m, 8m), (after.Prices.InputPerMillion, after.Prices.OutputPerMillion));
    }

    [Fact]
    public void Find_TieredPrice_UsesTheBase()
    {
        var quote = Catalog.Find("gemini-2.5-pro", November)!;

        Assert.Equal(new TokenPrices(1.25m, 0.125m, null, 10m), quote.Prices);
    }

    [Fact]
    public void Find_NameSoldBySeveralProviders_PrefersTheMaker()
    {
        Assert.Equal("genai-prices 2026-08-21, anthropic claude-3-haiku", Catalog.Find("claude-3-haiku", November)!.Origin);
        Assert.Equal("genai-prices 2026-08-21, openai text-embedding-3-small", Catalog.Find("text-embedding-3-small", November)!.Origin);
    }

    [Fact]
    public void Find_TimeOfDayConstraint_AppliesOnlyInsideTheWindow()
    {
        const string json = """
            [{"id": "acme", "models": [{"id": "acme-1", "match": {"equals": "acme-1"}, "prices": [
              {"prices": {"input_mtok": 1, "output_mtok": 2}},
              {"constraint": {"start_time": "00:30:00Z", "end_time": "16:30:00Z"}, "prices": {"input_mtok": 3, "output_mtok": 4}},
              {"constraint": {"start_date": "2026-01-01"}, "prices": {"input_mtok": {"base": 5, "tiers": [{"start": 1000, "price": 50}]}, "output_mtok": 6}}
            ]}]}]
            """;
        var catalog = PriceCatalog.Parse(json);

        Assert.Equal(3m, catalog.Find("acme-1", new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero))!.Prices.InputPerMillion);
        Assert.Equal(1m, catalog.Find("acme-1", new DateTimeOffset(2025, 3, 1, 17, 0, 0, TimeSpan.Zero))!.Prices.InputPerMillion);
        Assert.Equal(5m, catalog.Find("acme-1", new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero))!.Prices.InputPerMillion);
    }

    [Fact]
    public void Cost_SeedRecord_Is200InputAnd10OutputAtListPrice()
    {
        var prices = Catalog.Find("gpt-4o-mini", November)!.Prices;

        // 200 × $0.15/M + 10 × $0.60/M
        Assert.Equal(0.000036m, prices.Cost(200, 0, 0, 10));
        Assert.Equal(36_000L, prices.CostNanos(200, 0, 0, 10));
    }

    [Fact]
    public void Cost_NoCachePrices_ChargesCachedAndCacheWriteTokensAtInputPrice()
    {
        var prices = new TokenPrices(2m, null, null, 8m);

        // (100 + 50 + 25) × $2/M + 10 × $8/M
        Assert.Equal(0.00043m, prices.Cost(100, 50, 25, 10));
    }

    [Fact]
    public void Cost_AllFourKinds_PricedSeparately()
    {
        var prices = new TokenPrices(3m, 0.3m, 3.75m, 15m);

        // 1000×3 + 2000×0.3 + 400×3.75 + 500×15 = 3000 + 600 + 1500 + 7500 = 12,600 per M
        Assert.Equal(0.0126m, prices.Cost(1000, 2000, 400, 500));
    }

    [Fact]
    public void Describe_CatalogPrice_ShowsPricesAndSource()
    {
        Assert.Equal("$0.15 in / $0.075 cached / $0.60 out per 1M (genai-prices 2026-08-21, openai gpt-4o-mini)", Catalog.Find("gpt-4o-mini", November)!.Describe());
    }
}
