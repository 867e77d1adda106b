using System.ComponentModel.DataAnnotations;

namespace Bot.Charts;

internal sealed class ChartOptions : IValidatableObject
{
    public const string Section = "Charts";

    public const int MinimumKeyLength = 32;

    /// <summary>Where chat clients reach the bot, for image links (https://roi.example.com). Empty: the request's own host.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>How long a chart link works; a card shown after that shows no image.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>HMAC key for chart links. A secret: set only through the environment (Charts__SigningKey).</summary>
    public string? SigningKey { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(PublicBaseUrl)
            && (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            yield return new ValidationResult($"Charts:PublicBaseUrl '{PublicBaseUrl}' is not an absolute http(s) URL (for example https://roi.example.com).", [nameof(PublicBaseUrl)]);
        }

        if (SigningKey is not null && SigningKey.Length < MinimumKeyLength)
        {
            // The key itself is never echoed.
            yield return new ValidationResult($"Charts__SigningKey is shorter than {MinimumKeyLength} characters; use a random value such as `openssl rand -base64 48`.", [nameof(SigningKey)]);
        }
    }
}
