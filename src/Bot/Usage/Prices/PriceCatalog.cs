using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace Bot.Usage.Prices;

/// <summary>
/// The shipped price table (a pinned copy of pydantic/genai-prices, see Prices/README.md). A model is found by its
/// exact id or an exact <c>equals</c> rule of the table, case-insensitive, optionally behind a provider prefix
/// (<c>openai/gpt-4o-mini</c>). Never by a similar name: the table's <c>contains</c>/<c>starts_with</c>/<c>regex</c>
/// model rules are not used, so an unknown model stays unpriced instead of being costed as its neighbour.
/// </summary>
internal sealed class PriceCatalog
{
    public const string Name = "genai-prices";
    public const string Version = "2026-08-21";
    private const string ResourceSuffix = ".Usage.Prices.genai-prices.v2.data_slim.json";

    private readonly Dictionary<string, List<CatalogModel>> byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> providerRank = new(StringComparer.OrdinalIgnoreCase);

    private PriceCatalog(JsonElement providers)
    {
        var rank = 0;
        foreach (var provider in providers.EnumerateArray())
        {
            var providerId = provider.GetProperty("id").GetString()!;
            providerRank[providerId] = rank++;
            var modelRule = provider.TryGetProperty("model_match", out var rule) ? rule.Clone() : (JsonElement?)null;
            foreach (var model in provider.GetProperty("models").EnumerateArray())
            {
                var id = model.GetProperty("id").GetString()!;
                var origin = $"{Name} {Version}, {providerId} {id}";
                var entries = ReadPrices(model.GetProperty("prices"), origin);
                var catalogModel = new CatalogModel(providerId, id, entries, modelRule);
                var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { id };
                if (model.TryGetProperty("match", out var match))
                {
                    CollectEquals(match, names);
                }

                foreach (var name in names)
                {
                    if (!byName.TryGetValue(name, out var list))
                    {
                        byName[name] = list = [];
                    }

                    list.Add(catalogModel);
                }
            }
        }
    }

    public static PriceCatalog LoadEmbedded()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith(ResourceSuffix, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var document = JsonDocument.Parse(stream);
        return new PriceCatalog(document.RootElement);
    }

    public static PriceCatalog Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return new PriceCatalog(document.RootElement);
    }

    /// <summary>The catalog price of <paramref name="model"/> in effect at <paramref name="at"/>, or null when unknown.</summary>
    public PriceQuote? Find(string model, DateTimeOffset at)
    {
        var found = Resolve(model.Trim());
        if (found is null)
        {
            return null;
        }

        return found.QuoteAt(at);
    }

    private CatalogModel? Resolve(string model)
    {
        // `openai/gpt-4o-mini`: a provider id, a slash, then a model that provider prices exactly. This comes before
        // the whole name, which a router may list as its own model (openrouter's `openai/gpt-4o-mini`).
        var slash = model.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && slash < model.Length - 1 && providerRank.ContainsKey(model[..slash])
            && byName.TryGetValue(model[(slash + 1)..], out var named)
            && named.FirstOrDefault(c => string.Equals(c.Provider, model[..slash], StringComparison.OrdinalIgnoreCase)) is { } fromProvider)
        {
            return fromProvider;
        }

        return byName.TryGetValue(model, out var candidates) ? Best(candidates, model) : null;
    }

    /// <summary>
    /// When several providers price the same name (a model resold by a cloud or a router), the model's own maker wins:
    /// the provider whose model rule claims the name, then providers that make models at all, then the table's order.
    /// </summary>
    private CatalogModel Best(List<CatalogModel> candidates, string model) => candidates.Count == 1
        ? candidates[0]
        : candidates
            .OrderBy(c => c.ProviderRule is { } rule && Matches(rule, model) ? 0 : c.ProviderRule is null ? 2 : 1)
            .ThenBy(c => providerRank[c.Provider])
            .First();

    private static void CollectEquals(JsonElement rule, HashSet<string> names)
    {
        if (rule.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (rule.TryGetProperty("equals", out var equals) && equals.GetString() is { } name)
        {
            names.Add(name);
        }

        // Only `or` alternatives name the model itself; an `and` of rules is not an exact name.
        if (rule.TryGetProperty("or", out var alternatives))
        {
            foreach (var alternative in alternatives.EnumerateArray())
            {
                CollectEquals(alternative, names);
            }
        }
    }

    /// <summary>A provider-level model rule, used only to choose between providers that price the exact same name.</summary>
    private static bool Matches(JsonElement rule, string model)
    {
        foreach (var property in rule.EnumerateObject())
        {
            var matched = property.Name switch
            {
                "equals" => string.Equals(model, property.Value.GetString(), StringComparison.OrdinalIgnoreCase),
                "starts_with" => model.StartsWith(property.Value.GetString()!, StringComparison.OrdinalIgnoreCase),
                "ends_with" => model.EndsWith(property.Value.GetString()!, StringComparison.OrdinalIgnoreCase),
                "contains" => model.Contains(property.Value.GetString()!, StringComparison.OrdinalIgnoreCase),
                "regex" => System.Text.RegularExpressions.Regex.IsMatch(model, property.Value.GetString()!, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(50)),
                "or" => property.Value.EnumerateArray().Any(r => Matches(r, model)),
                "and" => property.Value.EnumerateArray().All(r => Matches(r, model)),
                _ => false,
            };
            if (!matched)
            {
                return false;
            }
        }

        return true;
    }

    private static List<PriceEntry> ReadPrices(JsonElement prices, string origin)
    {
        if (prices.ValueKind == JsonValueKind.Array)
        {
            return prices.EnumerateArray().Select(entry => ReadEntry(entry, origin)).ToList();
        }

        return [new PriceEntry(null, null, null, Quote(ReadTokenPrices(prices), origin))];
    }

    private static PriceQuote? Quote(TokenPrices? prices, string origin) => prices is null ? null : new PriceQuote(prices, CostSources.Catalog, origin);

    private static PriceEntry ReadEntry(JsonElement entry, string origin)
    {
        DateOnly? startDate = null;
        TimeOnly? startTime = null, endTime = null;
        if (entry.TryGetProperty("constraint", out var constraint))
        {
            if (constraint.TryGetProperty("start_date", out var date))
            {
                startDate = DateOnly.ParseExact(date.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            }

            if (constraint.TryGetProperty("start_time", out var start))
            {
                startTime = ParseTime(start.GetString()!);
            }

            if (constraint.TryGetProperty("end_time", out var end))
            {
                endTime = ParseTime(end.GetString()!);
            }
        }

        return new PriceEntry(startDate, startTime, endTime, Quote(ReadTokenPrices(entry.GetProperty("prices")), origin));
    }

    private static TimeOnly ParseTime(string text) => TimeOnly.ParseExact(text.TrimEnd('Z'), "HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Null when the model has no input price (image- or request-priced models): its tokens stay unpriced.</summary>
    private static TokenPrices? ReadTokenPrices(JsonElement prices)
    {
        var input = Price(prices, "input_mtok");
        if (input is null)
        {
            return null;
        }

        return new TokenPrices(input.Value, Price(prices, "cache_read_mtok"), Price(prices, "cache_write_mtok"), Price(prices, "output_mtok") ?? 0m);
    }

    /// <summary>A number, or <c>{"base": 3, "tiers": [...]}</c> for long-context tiers, of which the base applies.</summary>
    private static decimal? Price(JsonElement prices, string name)
    {
        if (!prices.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object ? value.GetProperty("base").GetDecimal() : value.GetDecimal();
    }

    private sealed record PriceEntry(DateOnly? StartDate, TimeOnly? StartTimeUtc, TimeOnly? EndTimeUtc, PriceQuote? Quote)
    {
        public bool AppliesAt(DateTimeOffset at)
        {
            var utc = at.UtcDateTime;
            if (StartDate is { } date && DateOnly.FromDateTime(utc) < date)
            {
                return false;
            }

            if (StartTimeUtc is { } start && EndTimeUtc is { } end)
            {
                var time = TimeOnly.FromDateTime(utc);
                return start <= end ? time >= start && time < end : time >= start || time < end;
            }

            return true;
        }
    }

    private sealed record CatalogModel(string Provider, string Id, List<PriceEntry> Entries, JsonElement? ProviderRule)
    {
        /// <summary>As genai-prices: the last entry whose constraint holds wins; the first has none and is the fallback.</summary>
        public PriceQuote? QuoteAt(DateTimeOffset at)
        {
            for (var i = Entries.Count - 1; i >= 0; i--)
            {
                if (Entries[i].AppliesAt(at))
                {
                    return Entries[i].Quote;
                }
            }

            return null;
        }
    }
}
