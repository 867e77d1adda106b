using System.ComponentModel.DataAnnotations;

namespace Bot.Usage.Prices;

/// <summary>
/// Per-model prices from configuration, USD per million tokens:
/// <c>Prices:Overrides:&lt;model&gt;:InputPerMillion</c> (or env <c>Prices__Overrides__gpt-4o__InputPerMillion</c>).
/// They beat the catalog; a price set in chat (<c>roi price</c>) beats them.
/// </summary>
internal sealed class PriceOptions : IValidatableObject
{
    public const string Section = "Prices";

    public Dictionary<string, ConfiguredPrice> Overrides { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (model, price) in Overrides)
        {
            var name = $"Prices:Overrides:{model}";
            if (price.InputPerMillion is null || price.OutputPerMillion is null)
            {
                yield return new ValidationResult($"{name} needs InputPerMillion and OutputPerMillion (USD per million tokens).");
                continue;
            }

            decimal?[] values = [price.InputPerMillion, price.CachedInputPerMillion, price.CacheWritePerMillion, price.OutputPerMillion];
            if (values.Any(v => v is < 0 or > PriceLimits.MaxPerMillion))
            {
                yield return new ValidationResult($"{name}: prices must be between 0 and {PriceLimits.MaxPerMillion} USD per million tokens.");
            }
        }
    }
}

internal sealed class ConfiguredPrice
{
    public decimal? InputPerMillion { get; set; }

    public decimal? CachedInputPerMillion { get; set; }

    public decimal? CacheWritePerMillion { get; set; }

    public decimal? OutputPerMillion { get; set; }

    /// <summary>Optional first UTC day the price applies (yyyy-mm-dd); without it, all records.</summary>
    public DateOnly? From { get; set; }
}

internal static class PriceLimits
{
    /// <summary>No model costs anywhere near $1,000 per million tokens; a bigger number is a typo.</summary>
    public const decimal MaxPerMillion = 1_000m;
}
