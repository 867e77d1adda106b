using System.Text.Json;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Bot.Teams;

/// <summary>
/// The Bot Framework signing keys and, per key id, the channels that key is endorsed for. Both come from the one
/// JWKS document so that a key and its endorsements can never disagree.
/// </summary>
internal sealed record BotFrameworkSigningKeys(
    string Issuer,
    IReadOnlyList<SecurityKey> Keys,
    IReadOnlyDictionary<string, IReadOnlySet<string>> EndorsementsByKeyId);

/// <summary>
/// Reads the OpenID metadata, then its `jwks_uri`. The `endorsements` array is not part of JWK, so it is read from
/// the raw JSON instead of trusting a library to surface it.
/// </summary>
internal sealed class BotFrameworkSigningKeysRetriever : IConfigurationRetriever<BotFrameworkSigningKeys>
{
    public async Task<BotFrameworkSigningKeys> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        var metadata = OpenIdConnectConfiguration.Create(await retriever.GetDocumentAsync(address, cancel));
        if (string.IsNullOrEmpty(metadata.JwksUri))
        {
            throw new InvalidOperationException($"The OpenID metadata at {address} has no jwks_uri.");
        }

        var jwksJson = await retriever.GetDocumentAsync(metadata.JwksUri, cancel);
        var keys = new JsonWebKeySet(jwksJson).GetSigningKeys();
        return new BotFrameworkSigningKeys(metadata.Issuer ?? string.Empty, [.. keys], ReadEndorsements(jwksJson));
    }

    internal static IReadOnlyDictionary<string, IReadOnlySet<string>> ReadEndorsements(string jwksJson)
    {
        var endorsements = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(jwksJson);
        if (!document.RootElement.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            return endorsements;
        }

        foreach (var key in keys.EnumerateArray())
        {
            if (key.ValueKind != JsonValueKind.Object
                || !key.TryGetProperty("kid", out var kid) || kid.ValueKind != JsonValueKind.String
                || !key.TryGetProperty("endorsements", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            endorsements[kid.GetString()!] = list.EnumerateArray()
                .Where(item => item.ValueKind == JsonValueKind.String)
                .Select(item => item.GetString()!)
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
        }

        return endorsements;
    }
}

/// <summary>No signing keys are known: the first fetch failed and its retry is not due yet.</summary>
internal sealed class SigningKeysUnavailableException()
    : InvalidOperationException("The Bot Framework signing keys could not be fetched; retrying shortly.");

/// <summary>
/// Keeps the Bot Framework signing keys: fetched on first use, again after 24 hours, and at once when a token names
/// a key id not in the set (keys "may be added at any time"), at most every 5 minutes so that forged key ids
/// cannot make the bot hammer Microsoft. IdentityModel's ConfigurationManager refreshes in the background after its
/// first fetch, which would refuse the first tokens signed with a new key; this refresh is synchronous.
/// A failed refresh keeps the keys it had; with no keys at all nothing is accepted.
/// </summary>
internal sealed class BotFrameworkKeyCache(
    string metadataUrl,
    IConfigurationRetriever<BotFrameworkSigningKeys> retriever,
    IDocumentRetriever documents,
    TimeProvider time,
    ILogger<BotFrameworkKeyCache> logger) : IDisposable
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromHours(24);
    public static readonly TimeSpan FetchAtMostEvery = TimeSpan.FromMinutes(5);

    /// <summary>With no keys at all every request fails, so a failed first fetch is retried sooner.</summary>
    public static readonly TimeSpan FirstFetchRetryAfter = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim gate = new(1, 1);
    private BotFrameworkSigningKeys? current;
    private DateTimeOffset fetchedAt;
    private DateTimeOffset? attemptedAt;

    /// <summary>The keys, fresh enough to hold <paramref name="keyId"/> if Microsoft has published it.</summary>
    public async Task<BotFrameworkSigningKeys> GetAsync(string? keyId, CancellationToken cancellationToken)
    {
        if (current is { } keys && !NeedsFetch(keyId))
        {
            return keys;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (!NeedsFetch(keyId))
            {
                return current ?? throw new SigningKeysUnavailableException();
            }

            attemptedAt = time.GetUtcNow();
            try
            {
                var fresh = await retriever.GetConfigurationAsync(metadataUrl, documents, cancellationToken);
                (current, fetchedAt) = (fresh, time.GetUtcNow());
                return fresh;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // One line per failed fetch (fetches are rate-limited), without a stack trace: the cause is the network
                // or Microsoft's side, and every request in the retry window would otherwise repeat it.
                if (current is not null)
                {
                    logger.LogWarning("Refreshing the Bot Framework signing keys failed ({Reason}); keeping the keys fetched at {FetchedAt}", Reason(exception), fetchedAt);
                    return current;
                }

                logger.LogWarning(
                    "Fetching the Bot Framework signing keys from {Url} failed ({Reason}); Teams requests are answered 503 until a retry succeeds (next attempt after {RetryAfter})",
                    metadataUrl, Reason(exception), FirstFetchRetryAfter);
                throw new SigningKeysUnavailableException();
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    private static string Reason(Exception exception) =>
        exception.InnerException is { } inner ? $"{exception.GetType().Name}: {exception.Message} ({inner.GetType().Name}: {inner.Message})" : $"{exception.GetType().Name}: {exception.Message}";

    private bool NeedsFetch(string? keyId)
    {
        var now = time.GetUtcNow();
        if (attemptedAt is { } attempted && now - attempted < (current is null ? FirstFetchRetryAfter : FetchAtMostEvery))
        {
            return false;
        }

        return current is null
            || now - fetchedAt >= RefreshEvery
            || (keyId is not null && !current.EndorsementsByKeyId.ContainsKey(keyId));
    }
}
