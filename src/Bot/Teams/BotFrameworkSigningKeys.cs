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
