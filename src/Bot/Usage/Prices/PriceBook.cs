using Bot.Data;
using Bot.Roi;
using Dapper;
using Microsoft.Extensions.Options;

namespace Bot.Usage.Prices;

/// <summary>A per-model price set in chat (<c>roi price</c>), stored in <c>price_overrides</c>.</summary>
internal sealed record PriceOverride(string Model, TokenPrices Prices, DateTimeOffset EffectiveFrom, string SetBy, DateTimeOffset SetAt);

/// <summary>
/// Which price applies to a model at an instant: a chat override in effect, else a configured override, else the
/// catalog, else none (unpriced). Overrides are few, so they are held in memory and reloaded when one is set.
/// </summary>
internal sealed class PriceBook(PriceCatalog catalog, Database database, IOptions<PriceOptions> options, ReportingClock clock) : IModelPriceInfo
{
    private volatile IReadOnlyDictionary<string, PriceOverride[]>? overrides;

    public PriceCatalog Catalog => catalog;

    public string Describe(string model, DateTimeOffset at) => Snapshot().Quote(model, at)?.Describe() ?? "unpriced";

    /// <summary>A view of the prices for one ingest or one question; it caches catalog look-ups per model name.</summary>
    public PriceSnapshot Snapshot() => new(catalog, overrides ??= LoadOverrides(), options.Value.Overrides, clock);

    /// <summary>A snapshot over chat overrides read inside a caller's transaction (one just set, not yet committed).</summary>
    public PriceSnapshot Snapshot(IEnumerable<PriceOverride> chatOverrides) => new(catalog, Group(chatOverrides), options.Value.Overrides, clock);

    /// <summary>The chat overrides of every model, oldest first.</summary>
    public IReadOnlyDictionary<string, PriceOverride[]> Overrides => overrides ??= LoadOverrides();

    private const string OverridesSql = """
        SELECT model AS Model, input_mtok_nanos AS InputNanos, cached_input_mtok_nanos AS CachedNanos,
               cache_write_mtok_nanos AS CacheWriteNanos, output_mtok_nanos AS OutputNanos,
               effective_from AS EffectiveFrom, set_by AS SetBy, set_at AS SetAt
        FROM price_overrides ORDER BY effective_from, id
        """;

    /// <summary>Reads the chat overrides again (another process may have set one).</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<OverrideRow>(new CommandDefinition(OverridesSql, cancellationToken: cancellationToken));
        overrides = Group(rows.Select(r => r.ToOverride()));
    }

    /// <summary>Every chat override, read on the caller's connection and transaction.</summary>
    public static IEnumerable<PriceOverride> ReadOverrides(System.Data.IDbConnection connection, System.Data.IDbTransaction? transaction) =>
        connection.Query<OverrideRow>(OverridesSql, transaction: transaction).Select(r => r.ToOverride());

    private IReadOnlyDictionary<string, PriceOverride[]> LoadOverrides()
    {
        using var connection = database.Open();
        return Group(ReadOverrides(connection, null));
    }

    private static Dictionary<string, PriceOverride[]> Group(IEnumerable<PriceOverride> rows) => rows
        .GroupBy(o => o.Model, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.OrdinalIgnoreCase);

    private sealed record OverrideRow(string Model, long InputNanos, long? CachedNanos, long? CacheWriteNanos, long OutputNanos, long EffectiveFrom, string SetBy, long SetAt)
    {
        public PriceOverride ToOverride() => new(
            Model,
            new TokenPrices(Money.FromNanos(InputNanos), CachedNanos is { } c ? Money.FromNanos(c) : null, CacheWriteNanos is { } w ? Money.FromNanos(w) : null, Money.FromNanos(OutputNanos)),
            DateTimeOffset.FromUnixTimeMilliseconds(EffectiveFrom),
            SetBy,
            DateTimeOffset.FromUnixTimeMilliseconds(SetAt));
    }
}

/// <summary>Prices as they stood when the snapshot was taken. Not thread-safe: one per ingest or question.</summary>
internal sealed class PriceSnapshot(
    PriceCatalog catalog,
    IReadOnlyDictionary<string, PriceOverride[]> chatOverrides,
    IReadOnlyDictionary<string, ConfiguredPrice> configured,
    ReportingClock clock)
{
    public PriceQuote? Quote(string model, DateTimeOffset at)
    {
        var name = model.Trim();
        if (chatOverrides.TryGetValue(name, out var history))
        {
            for (var i = history.Length - 1; i >= 0; i--)
            {
                var entry = history[i];
                if (entry.EffectiveFrom <= at)
                {
                    return OverrideQuote(entry);
                }
            }
        }

        if (configured.TryGetValue(name, out var price) && price.InputPerMillion is { } input && price.OutputPerMillion is { } output
            && (price.From is not { } from || DateOnly.FromDateTime(at.UtcDateTime) >= from))
        {
            return configuredQuotes.TryGetValue(name, out var quote)
                ? quote
                : configuredQuotes[name] = new PriceQuote(new TokenPrices(input, price.CachedInputPerMillion, price.CacheWritePerMillion, output), CostSources.Override, "configured in Prices:Overrides");
        }

        return catalog.Find(name, at);
    }

    private readonly Dictionary<string, PriceQuote> configuredQuotes = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<PriceOverride, PriceQuote> overrideQuotes = new(ReferenceEqualityComparer.Instance);

    private PriceQuote OverrideQuote(PriceOverride entry)
    {
        if (!overrideQuotes.TryGetValue(entry, out var quote))
        {
            var since = entry.EffectiveFrom == DateTimeOffset.UnixEpoch ? string.Empty : $" from {clock.LocalDay(entry.EffectiveFrom):yyyy-MM-dd}";
            overrideQuotes[entry] = quote = new PriceQuote(entry.Prices, CostSources.Override, $"override by {entry.SetBy}{since}");
        }

        return quote;
    }
}
