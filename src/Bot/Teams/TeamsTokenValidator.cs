using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bot.Teams;

internal enum TeamsAuthResult
{
    Valid,
    MissingToken,
    InvalidToken,
    NotTeams,
    MissingEndorsement,
    ServiceUrlMismatch,

    /// <summary>The signing keys could not be fetched; nothing can be verified, so nothing is accepted.</summary>
    KeysUnavailable,
}

/// <summary>
/// Verifies the Bot Connector's JWT on `POST /api/messages` (protocols.md B2): RS256 only, issuer, audience = the
/// app id, lifetime with 5 minutes of skew, signed by a key from the Bot Framework JWKS that is endorsed for
/// `msteams`, and a `serviceurl` claim equal to the activity's serviceUrl. Anything else is refused.
/// </summary>
internal sealed class TeamsTokenValidator(
    BotFrameworkKeyCache signingKeys,
    IOptions<TeamsOptions> options,
    TimeProvider time,
    ILogger<TeamsTokenValidator> logger)
{
    private const string ServiceUrlClaim = "serviceurl";

    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };

    public async Task<TeamsAuthResult> ValidateAsync(string? authorization, TeamsActivity activity, CancellationToken cancellationToken)
    {
        var token = BearerToken(authorization);
        if (token is null)
        {
            return TeamsAuthResult.MissingToken;
        }

        if (!string.Equals(activity.ChannelId, TeamsActivity.TeamsChannelId, StringComparison.OrdinalIgnoreCase))
        {
            return TeamsAuthResult.NotTeams;
        }

        // Checked before anything is fetched: a caller without a plausible Bot Framework token must not make the bot
        // reach out to Microsoft or write more than one line to the log.
        var kid = WellFormedKeyId(token);
        if (kid is null)
        {
            logger.LogWarning("Teams request refused: the bearer token is not an RS256 JWT naming a signing key");
            return TeamsAuthResult.InvalidToken;
        }

        BotFrameworkSigningKeys keys;
        try
        {
            keys = await signingKeys.GetAsync(kid, cancellationToken);
        }
        catch (SigningKeysUnavailableException)
        {
            // The key cache has logged the failed fetch once; every request until the retry would only repeat it.
            return TeamsAuthResult.KeysUnavailable;
        }

        var result = await handler.ValidateTokenAsync(token, Parameters(keys));
        if (!result.IsValid)
        {
            logger.LogWarning("Teams request refused: invalid token ({Reason})", result.Exception?.GetType().Name ?? "unknown");
            return TeamsAuthResult.InvalidToken;
        }

        // The key that actually verified the signature (not merely the one the header names) must be endorsed for Teams.
        var signingKeyId = (result.SecurityToken as JsonWebToken)?.SigningKey?.KeyId;
        if (signingKeyId is null || signingKeyId != kid
            || !keys.EndorsementsByKeyId.TryGetValue(signingKeyId, out var endorsements) || !endorsements.Contains(TeamsActivity.TeamsChannelId))
        {
            logger.LogWarning("Teams request refused: signing key {KeyId} is not endorsed for msteams", signingKeyId);
            return TeamsAuthResult.MissingEndorsement;
        }

        var claimed = result.Claims.TryGetValue(ServiceUrlClaim, out var value) ? value as string : null;
        if (claimed is null || activity.ServiceUrl is null || !SameServiceUrl(claimed, activity.ServiceUrl))
        {
            logger.LogWarning("Teams request refused: the token's serviceurl does not match the activity's serviceUrl");
            return TeamsAuthResult.ServiceUrlMismatch;
        }

        return TeamsAuthResult.Valid;
    }

    /// <summary>Teams' service URLs are compared without a trailing slash and without case (as botbuilder does).</summary>
    internal static bool SameServiceUrl(string a, string b) =>
        string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private TokenValidationParameters Parameters(BotFrameworkSigningKeys keys)
    {
        var appId = options.Value.AppId;
        return new TokenValidationParameters
        {
            ValidIssuer = TeamsOptions.BotFrameworkIssuer,
            ValidateIssuer = true,
            ValidAudience = appId,
            ValidateAudience = true,
            RequireAudience = true,
            IssuerSigningKeys = keys.Keys,
            ValidateIssuerSigningKey = true,
            TryAllIssuerSigningKeys = false,
            RequireSignedTokens = true,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = ClockSkew,
            LifetimeValidator = IsWithinLifetime,
        };
    }

    /// <summary>nbf/exp against the injected clock, with the protocol's 5 minutes of skew; a token without exp is refused.</summary>
    private bool IsWithinLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return expires is { } expiry
            && now - ClockSkew <= expiry.ToUniversalTime()
            && (notBefore is not { } start || start.ToUniversalTime() <= now + ClockSkew);
    }

    private static string? BearerToken(string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization) || !AuthenticationHeaderValue.TryParse(authorization, out var header))
        {
            return null;
        }

        return string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(header.Parameter)
            ? header.Parameter
            : null;
    }

    /// <summary>
    /// The header's `kid` when the token is a signed JWS whose header says RS256 and names a key; null otherwise.
    /// Only the header and shape are read here; the signature and claims are verified after the keys are known.
    /// </summary>
    private string? WellFormedKeyId(string token)
    {
        if (!handler.CanReadToken(token))
        {
            return null;
        }

        try
        {
            var jwt = handler.ReadJsonWebToken(token);
            return !jwt.IsEncrypted && jwt.Alg == SecurityAlgorithms.RsaSha256 && !string.IsNullOrWhiteSpace(jwt.Kid) && !string.IsNullOrEmpty(jwt.EncodedSignature)
                ? jwt.Kid
                : null;
        }
        catch (Exception exception) when (exception is ArgumentException or SecurityTokenException or FormatException or System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
