using System.Globalization;
using Bot.Roi;

namespace Bot.Usage.Prices;

/// <summary>
/// USD per million tokens. As in genai-prices, a missing cache-read or cache-write price means those tokens are
/// charged at the input price: they are never dropped and never charged twice.
/// </summary>
internal sealed record TokenPrices(decimal InputPerMillion, decimal? CachedInputPerMillion, decimal? CacheWritePerMillion, decimal OutputPerMillion)
{
    private const decimal Million = 1_000_000m;

    /// <summary>The cost of normalised tokens (input excludes cached and cache-write tokens), exact in decimal.</summary>
    public decimal Cost(long inputTokens, long cachedInputTokens, long cacheWriteTokens, long outputTokens) =>
        ((inputTokens * InputPerMillion)
            + (cachedInputTokens * (CachedInputPerMillion ?? InputPerMillion))
            + (cacheWriteTokens * (CacheWritePerMillion ?? InputPerMillion))
            + (outputTokens * OutputPerMillion)) / Million;

    public long CostNanos(long inputTokens, long cachedInputTokens, long cacheWriteTokens, long outputTokens) =>
        Money.ToNanos(Cost(inputTokens, cachedInputTokens, cacheWriteTokens, outputTokens));

    /// <summary>"$0.15 in / $0.075 cached / $0.60 out per 1M".</summary>
    public string Describe()
    {
        var parts = new List<string> { $"{PerMillion(InputPerMillion)} in" };
        if (CachedInputPerMillion is { } cached)
        {
            parts.Add($"{PerMillion(cached)} cached");
        }

        if (CacheWritePerMillion is { } write)
        {
            parts.Add($"{PerMillion(write)} cache write");
        }

        parts.Add($"{PerMillion(OutputPerMillion)} out");
        return string.Join(" / ", parts) + " per 1M";
    }

    /// <summary>Prices per million keep every digit they were given ($0.075, $1.25, $15.00).</summary>
    private static string PerMillion(decimal value)
    {
        var text = value.ToString("0.00########", CultureInfo.InvariantCulture);
        return "$" + text;
    }
}

/// <summary>The price a model's tokens are costed at, and where it came from.</summary>
/// <param name="CostSource">Stored with each record: <c>catalog</c> or <c>override</c>.</param>
/// <param name="Origin">For people: "genai-prices 2026-08-21, openai gpt-4o-mini" or "override by alice from 2026-11-01".</param>
internal sealed record PriceQuote(TokenPrices Prices, string CostSource, string Origin)
{
    public string Describe() => $"{Prices.Describe()} ({Origin})";
}

/// <summary>The values of <c>usage_records.cost_source</c>.</summary>
internal static class CostSources
{
    public const string Given = "given";
    public const string Catalog = "catalog";
    public const string Override = "override";
    public const string Unpriced = "unpriced";
}
