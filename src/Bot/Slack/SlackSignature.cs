using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bot.Slack;

internal enum SlackSignatureResult
{
    Valid,
    MissingSecret,
    MissingTimestamp,
    MissingSignature,
    InvalidTimestamp,
    Stale,
    UnsupportedVersion,
    Mismatch,
}

/// <summary>
/// Slack's request signing: HMAC-SHA256 over `v0:{timestamp}:{raw body}`. Fails closed: no secret, no header,
/// a timestamp more than five minutes from now in either direction, or any difference is a refusal.
/// </summary>
internal static class SlackSignature
{
    public const string TimestampHeader = "X-Slack-Request-Timestamp";
    public const string SignatureHeader = "X-Slack-Signature";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private const string Version = "v0";

    public static SlackSignatureResult Verify(string? signingSecret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(signingSecret))
        {
            return SlackSignatureResult.MissingSecret;
        }

        if (string.IsNullOrEmpty(timestamp))
        {
            return SlackSignatureResult.MissingTimestamp;
        }

        if (string.IsNullOrEmpty(signature))
        {
            return SlackSignatureResult.MissingSignature;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SlackSignatureResult.InvalidTimestamp;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > (long)Window.TotalSeconds)
        {
            return SlackSignatureResult.Stale;
        }

        if (!signature.StartsWith(Version + "=", StringComparison.Ordinal))
        {
            return SlackSignatureResult.UnsupportedVersion;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(signingSecret, timestamp, body));
        var actual = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, actual) ? SlackSignatureResult.Valid : SlackSignatureResult.Mismatch;
    }

    /// <summary>`v0=` and the lowercase hex HMAC; the secret is used as UTF-8 text, not decoded.</summary>
    public static string Compute(string signingSecret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{Version}:{timestamp}:");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), message);
        return Version + "=" + Convert.ToHexStringLower(hash);
    }
}
