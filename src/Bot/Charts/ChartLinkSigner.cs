using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Bot.Charts;

internal enum ChartLinkCheck
{
    Valid,
    MissingSignature,
    Mismatch,
    Expired,
}

/// <summary>
/// Signs and checks chart links: HMAC-SHA256 over the chart id and the expiry (Unix seconds), base64url.
/// Without a configured key a random one is made per process, so links die with the process.
/// </summary>
internal sealed class ChartLinkSigner
{
    private readonly byte[] key;
    private readonly ILogger<ChartLinkSigner> logger;
    private readonly bool ephemeral;
    private int warned;

    public ChartLinkSigner(IOptions<ChartOptions> options, ILogger<ChartLinkSigner> logger)
    {
        this.logger = logger;
        ephemeral = string.IsNullOrEmpty(options.Value.SigningKey);
        key = ephemeral ? RandomNumberGenerator.GetBytes(32) : Encoding.UTF8.GetBytes(options.Value.SigningKey!);
    }

    public string Sign(string id, long expiresUnixSeconds)
    {
        // Said once, when the first link is made: verbs that never make links stay quiet.
        if (ephemeral && Interlocked.Exchange(ref warned, 1) == 0)
        {
            logger.LogWarning("Charts__SigningKey is not set: chart links are signed with a random per-process key and stop working when the bot restarts (or on another instance)");
        }

        return Sign(key, id, expiresUnixSeconds);
    }

    public ChartLinkCheck Check(string id, string? expires, string? signature, DateTimeOffset now) => Check(key, id, expires, signature, now);

    public static string Sign(byte[] key, string id, long expiresUnixSeconds) =>
        Base64Url.EncodeToString(Mac(key, id, expiresUnixSeconds));

    /// <summary>The signature first (constant-time), then the expiry: an edited expiry is a mismatch, not "expired".</summary>
    public static ChartLinkCheck Check(byte[] key, string id, string? expires, string? signature, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(expires) || string.IsNullOrEmpty(signature))
        {
            return ChartLinkCheck.MissingSignature;
        }

        if (!long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresUnixSeconds) || !Base64Url.IsValid(signature))
        {
            return ChartLinkCheck.Mismatch;
        }

        var expected = Mac(key, id, expiresUnixSeconds);
        if (!CryptographicOperations.FixedTimeEquals(expected, Base64Url.DecodeFromChars(signature)))
        {
            return ChartLinkCheck.Mismatch;
        }

        return now.ToUnixTimeSeconds() < expiresUnixSeconds ? ChartLinkCheck.Valid : ChartLinkCheck.Expired;
    }

    private static byte[] Mac(byte[] key, string id, long expiresUnixSeconds) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{id}\n{expiresUnixSeconds}")));
}
