using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Bot.Teams;

/// <summary>
/// The bot's own access token for the Bot Connector, from the Microsoft Entra ID token endpoint (client
/// credentials), kept until five minutes before it expires.
/// </summary>
internal sealed class BotTokenProvider(IHttpClientFactory httpClients, IOptions<TeamsOptions> options, TimeProvider time) : IDisposable
{
    public const string HttpClientName = "Teams.Token";

    private static readonly TimeSpan RenewBeforeExpiry = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim gate = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? cached;

    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (cached is { } current && time.GetUtcNow() < current.RenewAt)
        {
            return current.Token;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (cached is { } renewed && time.GetUtcNow() < renewed.RenewAt)
            {
                return renewed.Token;
            }

            var settings = options.Value;
            var endpoint = $"{settings.TokenAuthority.TrimEnd('/')}/{Uri.EscapeDataString(settings.TokenTenant)}/oauth2/v2.0/token";
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = settings.AppId ?? string.Empty,
                ["client_secret"] = settings.AppPassword ?? string.Empty,
                ["scope"] = settings.TokenScope,
            });
            var requestedAt = time.GetUtcNow();
            using var response = await httpClients.CreateClient(HttpClientName).PostAsync(endpoint, form, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                // The body may echo request details; the status is enough to act on and never holds the secret.
                throw new HttpRequestException($"The Entra ID token endpoint answered {(int)response.StatusCode} for the Teams app.", null, response.StatusCode);
            }

            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
                ?? throw new HttpRequestException("The Entra ID token endpoint answered with no token.");
            if (string.IsNullOrEmpty(token.AccessToken) || token.ExpiresIn <= 0)
            {
                throw new HttpRequestException("The Entra ID token endpoint answered without access_token or expires_in.");
            }

            var renewAt = requestedAt + TimeSpan.FromSeconds(token.ExpiresIn) - RenewBeforeExpiry;
            cached = (token.AccessToken, renewAt);
            return token.AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] long ExpiresIn);
}
