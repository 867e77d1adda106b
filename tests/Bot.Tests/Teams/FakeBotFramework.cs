using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bot.Tests.Teams;

/// <summary>One HTTP request the bot sent, as the fake saw it.</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, string Body, long? ContentLength = null)
{
    public JsonNode Json => JsonNode.Parse(Body)!;
}

/// <summary>
/// Everything Microsoft would serve, in one fake HTTP handler: the Bot Framework OpenID metadata and JWKS (signed with
/// this test's own RSA keys, with per-key endorsements), the Entra ID token endpoint, and a Bot Connector that
/// records posts. Tokens for `/api/messages` are minted here.
/// </summary>
internal sealed class FakeBotFramework : HttpMessageHandler
{
    public const string AppId = "5a1e0c4e-3d2b-4f6a-9e8d-7c6b5a4f3e2d";
    public const string TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    public const string MetadataUrl = "https://login.botframework.test/v1/.well-known/openidconfiguration";
    public const string JwksUrl = "https://login.botframework.test/v1/.well-known/keys";
    public const string TokenAuthority = "https://login.entra.test";
    public const string ServiceUrl = "https://smba.trafficmanager.test/amer/";
    public const string BotAccessToken = "bot-access-token";
    public const string TeamsKeyId = "teams-key";
    public const string WebChatKeyId = "webchat-only-key";

    private readonly ConcurrentQueue<RecordedRequest> requests = new();
    private readonly ConcurrentQueue<Func<HttpResponseMessage>> connectorResponses = new();
    private int posts;
    private int tokensIssued;

    public FakeBotFramework()
    {
        TeamsKey = new RsaSecurityKey(RSA.Create(2048)) { KeyId = TeamsKeyId };
        WebChatKey = new RsaSecurityKey(RSA.Create(2048)) { KeyId = WebChatKeyId };
    }

    public RsaSecurityKey TeamsKey { get; }

    public RsaSecurityKey WebChatKey { get; }

    public IReadOnlyList<RecordedRequest> Requests => [.. requests];

    public IReadOnlyList<RecordedRequest> ConnectorPosts => [.. requests.Where(r => r.Uri.AbsolutePath.Contains("/v3/conversations/", StringComparison.Ordinal))];

    public IReadOnlyList<RecordedRequest> TokenRequests => [.. requests.Where(r => r.Uri.AbsolutePath.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal))];

    /// <summary>The next connector post gets this answer instead of 201 Created.</summary>
    public void EnqueueConnectorResponse(Func<HttpResponseMessage> response) => connectorResponses.Enqueue(response);

    /// <summary>A key Microsoft starts signing with after the bot first read the JWKS.</summary>
    public RsaSecurityKey? RotatedKey { get; private set; }

    /// <summary>Plays a machine without network: the OpenID metadata fetch fails like an unreachable host.</summary>
    public bool MetadataUnreachable { get; set; }

    public int MetadataFetches => requests.Count(r => r.Uri.AbsoluteUri == MetadataUrl);

    public RsaSecurityKey RotateKey() => RotatedKey = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rotated-key" };

    public string Jwks()
    {
        var keys = new JsonArray { Jwk(TeamsKey, "msteams", "skype"), Jwk(WebChatKey, "webchat") };
        if (RotatedKey is { } rotated)
        {
            keys.Add(Jwk(rotated, "msteams"));
        }

        return new JsonObject { ["keys"] = keys }.ToJsonString();
    }

    public string CreateToken(
        SecurityKey? key = null,
        string algorithm = SecurityAlgorithms.RsaSha256,
        string issuer = "https://api.botframework.com",
        string audience = AppId,
        string serviceUrl = ServiceUrl,
        DateTimeOffset? now = null,
        TimeSpan? expiresIn = null)
    {
        var issuedAt = (now ?? Tests.BotApplication.DefaultNow).UtcDateTime;
        var expires = issuedAt + (expiresIn ?? TimeSpan.FromHours(1));
        var notBefore = new[] { issuedAt.AddMinutes(-1), expires.AddMinutes(-2) }.Min();
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            Subject = new ClaimsIdentity([new Claim("serviceurl", serviceUrl), new Claim("appid", "d6d49420-f39b-4df7-a1dc-d59a935871db")]),
            SigningCredentials = new SigningCredentials(key ?? TeamsKey, algorithm),
        });
    }

    /// <summary>A token with `alg: none` and no signature, or an RS256 header with the signature cut off.</summary>
    public static string UnsignedToken(string algorithm, string? keyId = null)
    {
        var header = keyId is null ? $"{{\"alg\":\"{algorithm}\",\"typ\":\"JWT\"}}" : $"{{\"alg\":\"{algorithm}\",\"kid\":\"{keyId}\",\"typ\":\"JWT\"}}";
        var now = Tests.BotApplication.DefaultNow.ToUnixTimeSeconds();
        var payload = $"{{\"iss\":\"https://api.botframework.com\",\"aud\":\"{AppId}\",\"serviceurl\":\"{ServiceUrl}\",\"nbf\":{now - 60},\"exp\":{now + 3600}}}";
        return Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(header)) + "." + Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload)) + ".";
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Read the declared length before the body: a streamed (chunked) body has none until it is buffered.
        var declaredLength = request.Content?.Headers.ContentLength;
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var uri = request.RequestUri!;
        requests.Enqueue(new RecordedRequest(request.Method, uri, request.Headers.Authorization?.ToString(), body, declaredLength));

        if (uri.AbsoluteUri == MetadataUrl && MetadataUnreachable)
        {
            throw new HttpRequestException("Name or service not known (login.botframework.test:443)");
        }

        if (uri.AbsoluteUri == MetadataUrl)
        {
            return Json(new JsonObject { ["issuer"] = "https://api.botframework.com", ["jwks_uri"] = JwksUrl, ["id_token_signing_alg_values_supported"] = new JsonArray("RS256") });
        }

        if (uri.AbsoluteUri == JwksUrl)
        {
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Jwks(), Encoding.UTF8, "application/json") };
        }

        if (uri.AbsolutePath.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal))
        {
            var number = Interlocked.Increment(ref tokensIssued);
            return Json(new JsonObject { ["token_type"] = "Bearer", ["expires_in"] = 3600, ["access_token"] = $"{BotAccessToken}-{number}" });
        }

        if (uri.AbsolutePath.Contains("/v3/conversations/", StringComparison.Ordinal))
        {
            if (connectorResponses.TryDequeue(out var response))
            {
                return response();
            }

            var id = Interlocked.Increment(ref posts);
            return Json(new JsonObject { ["id"] = $"posted-{id}" }, HttpStatusCode.Created);
        }

        return new HttpResponseMessage(HttpStatusCode.NotFound);
    }

    /// <summary>Waits (in real time; the bot answers on a background thread) until enough connector posts arrived.</summary>
    public async Task<IReadOnlyList<RecordedRequest>> WaitForPostsAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = Environment.TickCount64 + (long)(timeout ?? TimeSpan.FromSeconds(15)).TotalMilliseconds;
        while (ConnectorPosts.Count < count && Environment.TickCount64 < deadline)
        {
            await Task.Delay(20);
        }

        return ConnectorPosts;
    }

    private static JsonObject Jwk(RsaSecurityKey key, params string[] endorsements)
    {
        var parameters = key.Rsa.ExportParameters(false);
        return new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = key.KeyId,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            ["endorsements"] = new JsonArray([.. endorsements.Select(e => (JsonNode)JsonValue.Create(e))]),
        };
    }

    private static HttpResponseMessage Json(JsonNode body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
}
