using System.Globalization;
using Bot.Chat;
using Bot.Roi;

namespace Bot.Usage.Prices;

/// <summary>
/// `roi price &lt;model&gt; input $0.15 output $0.60 [cached $0.075] [cache-write $0.30] [from 2026-11-01]` (USD per
/// million tokens) sets a model's price and re-prices its stored records; `roi price &lt;model&gt;` shows the price in
/// effect and where it comes from. A model's first override applies to all its history; a later one starts now
/// unless `from` says when.
/// </summary>
internal sealed class PriceHandler(PriceBook prices, PriceOverrideStore store, ReportingClock clock) : ICommandHandler
{
    public const string CommandName = "price";

    private static readonly Dictionary<string, string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["input"] = "input",
        ["in"] = "input",
        ["output"] = "output",
        ["out"] = "output",
        ["cached"] = "cached",
        ["cache-read"] = "cached",
        ["cache-write"] = "cache-write",
        ["from"] = "from",
    };

    public string Name => CommandName;

    public IReadOnlyList<string> Usage { get; } =
    [
        "roi price <model> input $<amount> output $<amount> [cached $<amount>] [cache-write $<amount>] [from <yyyy-mm-dd>]",
        "roi price <model>",
    ];

    public string Summary => "set (or show) a model's price per million tokens, overriding the catalog";

    public async Task<Reply> HandleAsync(CommandContext context, CommandArguments arguments, CancellationToken cancellationToken)
    {
        if (arguments.Count == 0)
        {
            return WrongForm("Which model?");
        }

        var model = arguments[0].Trim();
        if (model.Length > UsageValidation.MaxTextLength || Keywords.ContainsKey(model))
        {
            return WrongForm($"'{UsageValidation.Echo(model)}' is not a model name.");
        }

        if (arguments.Count == 1)
        {
            await prices.ReloadAsync(cancellationToken);
            return Show(model);
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        string? key = null;
        foreach (var word in arguments.Skip(1).Words)
        {
            if (Keywords.TryGetValue(word, out var keyword))
            {
                if (options.ContainsKey(keyword))
                {
                    return WrongForm($"'{keyword}' is given twice.");
                }

                key = keyword;
                options[key] = string.Empty;
            }
            else if (key is null)
            {
                return WrongForm($"I could not read '{UsageValidation.Echo(word)}': start with `input $<amount>`.");
            }
            else
            {
                options[key] += word;
            }
        }

        decimal? input = null, output = null, cached = null, cacheWrite = null;
        foreach (var (name, text) in options)
        {
            if (name == "from")
            {
                continue;
            }

            if (!AmountParser.TryDollars(text, out var amount) || amount < 0 || amount > PriceLimits.MaxPerMillion)
            {
                return WrongForm($"The {name} price must be an amount from $0 to {Money.Format(PriceLimits.MaxPerMillion)} per million tokens, like `{name} $0.15`; got '{UsageValidation.Echo(text)}'.");
            }

            // Prices are stored as whole nano-dollars per million tokens: a finer one would be saved as something else.
            if (Money.FromNanos(Money.ToNanos(amount)) != amount)
            {
                return WrongForm($"The {name} price {UsageValidation.Echo(text)} is finer than $0.000000001 per million tokens, the smallest step a price is kept in.");
            }

            switch (name)
            {
                case "input": input = amount; break;
                case "output": output = amount; break;
                case "cached": cached = amount; break;
                default: cacheWrite = amount; break;
            }
        }

        if (input is null || output is null)
        {
            return WrongForm("Both an input and an output price are needed.");
        }

        var history = prices.Overrides.GetValueOrDefault(model) ?? [];
        var now = clock.UtcNow;
        DateTimeOffset effectiveFrom;
        if (options.TryGetValue("from", out var fromText))
        {
            if (!AmountParser.TryDate(fromText, out var fromDay, out var dateProblem))
            {
                return WrongForm(dateProblem);
            }

            effectiveFrom = ReportingPeriod.LocalMidnightUtc(fromDay, clock.Zone);
        }
        else
        {
            effectiveFrom = history.Length == 0 ? DateTimeOffset.UnixEpoch : now;
        }

        var price = new PriceOverride(model, new TokenPrices(input.Value, cached, cacheWrite, output.Value), effectiveFrom, context.UserName, now);
        RepriceResult result;
        try
        {
            result = await store.SetAsync(price, cancellationToken);
        }
        catch (UsageRejectedException e)
        {
            return Reply.Error($"Price not set for {model}: {e.Message}", ["Check the price (USD per million tokens) and the model's stored token counts."]);
        }

        var since = effectiveFrom == DateTimeOffset.UnixEpoch ? "for all records (first override)" : $"from {clock.LocalDay(effectiveFrom):yyyy-MM-dd}";
        var body = new List<string> { $"{model}: {price.Prices.Describe()}, {since}. Set by {context.UserName}." };
        body.Add(result.Records == 0
            ? "No stored records needed re-pricing (records with a provider-given cost keep it)."
            : $"Re-priced {Money.FormatCount(result.Records, "stored record", "stored records")} ({Money.FormatCount(result.NowPriced)} {(result.NowPriced == 1 ? "was" : "were")} unpriced); their cost changed by {Signed(result.CostChange)}. Records with a provider-given cost keep it.");
        // Without a cached price, cached tokens cost the input price: say so when the catalog knew better.
        if (cached is null && prices.Catalog.Find(model, now)?.Prices.CachedInputPerMillion is { } catalogCached && catalogCached != input.Value)
        {
            body.Add($"No cached price given, so cached input tokens are charged at the input price ({Money.Format(input.Value)} per million). The catalog's cached price is {Money.Format(catalogCached)}: add `cached ${catalogCached.ToString(CultureInfo.InvariantCulture)}` to keep it.");
        }

        return new Reply($"Price set for {model}") { Body = body };
    }

    private Reply Show(string model)
    {
        var now = clock.UtcNow;
        var quote = prices.Snapshot().Quote(model, now);
        var body = new List<string>
        {
            quote is null
                ? $"{model} is unpriced: its tokens are counted but cost nothing in `roi` until you set its provider's list price per million tokens: `roi price {model} input $<amount> output $<amount>`."
                : $"Now: {quote.Describe()}.",
        };
        var catalog = prices.Catalog.Find(model, now);
        if (quote?.CostSource == CostSources.Override)
        {
            body.Add(catalog is null ? "The catalog has no price for it." : $"Catalog: {catalog.Describe()}.");
        }

        var history = prices.Overrides.GetValueOrDefault(model) ?? [];
        var reply = new Reply($"Price of {model}") { Body = body };
        if (history.Length == 0)
        {
            return reply;
        }

        var rows = history.Reverse().Select(o => (IReadOnlyList<string>)
        [
            o.EffectiveFrom == DateTimeOffset.UnixEpoch ? "always" : clock.LocalDay(o.EffectiveFrom).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            o.Prices.Describe(),
            o.SetBy,
            o.SetAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
        ]).ToList();
        return reply with { Tables = [new ReplyTable([new("From"), new("Price"), new("Set by"), new("Set at")], rows) { Caption = "Overrides set in chat" }] };
    }

    private static string Signed(decimal amount) => amount < 0 ? "-" + Money.Format(-amount) : "+" + Money.Format(amount);

    private Reply WrongForm(string problem) => Reply.Error(problem, ["Forms (amounts in USD per million tokens):", .. Usage.Select(u => $"`{u}`"), "Example: `roi price gpt-4o-mini input $0.15 output $0.60 cached $0.075`"]);
}
