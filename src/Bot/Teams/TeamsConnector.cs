using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Bot.Teams;

/// <summary>A post refused before it left: the service URL never arrived in a validated token.</summary>
internal sealed class UntrustedServiceUrlException(string serviceUrl)
    : InvalidOperationException($"The Teams service URL {serviceUrl} did not arrive in a validated token; nothing was sent to it.");

/// <summary>Posts activities to the Bot Connector REST API v3 at a conversation's service URL.</summary>
internal sealed class TeamsConnector(IHttpClientFactory httpClients, ILogger<TeamsConnector> logger)
{
    public const string HttpClientName = "Teams.Connector";

    /// <summary>Which service URL a request is for; the authorizing handler checks it is trusted.</summary>
    public static readonly HttpRequestOptionsKey<string> ServiceUrlKey = new("Teams.ServiceUrl");

    public Task<string?> SendToConversationAsync(string serviceUrl, string conversationId, TeamsActivity activity, CancellationToken cancellationToken) =>
        PostAsync(serviceUrl, $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities", activity, cancellationToken);

    public Task<string?> ReplyToActivityAsync(string serviceUrl, string conversationId, string activityId, TeamsActivity activity, CancellationToken cancellationToken) =>
        PostAsync(serviceUrl, $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities/{Uri.EscapeDataString(activityId)}", activity, cancellationToken);

    private async Task<string?> PostAsync(string serviceUrl, string path, TeamsActivity activity, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(serviceUrl.TrimEnd('/') + "/" + path))
        {
            // Buffered, so the post has a Content-Length and each retry sends the same bytes.
            Content = new StringContent(JsonSerializer.Serialize(activity, TeamsActivity.Json), Encoding.UTF8, "application/json"),
        };
        request.Options.Set(ServiceUrlKey, serviceUrl);
        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        var operation = response.Headers.TryGetValues("X-Correlating-OperationId", out var values) ? values.FirstOrDefault() : null;
        if (!response.IsSuccessStatusCode)
        {
            var error = await response.Content.ReadAsStringAsync(cancellationToken);
            logger.LogError("Teams post failed with {Status} (operation {OperationId}): {Error}", (int)response.StatusCode, operation, error.Length > 500 ? error[..500] : error);
            throw new HttpRequestException($"The Bot Connector answered {(int)response.StatusCode} to a post.", null, response.StatusCode);
        }

        var created = response.Content.Headers.ContentLength is 0 ? null : await response.Content.ReadFromJsonAsync<ResourceResponse>(TeamsActivity.Json, cancellationToken);
        return created?.Id;
    }
}

/// <summary>
/// The one place the bot's token is attached. It goes only to https service URLs that arrived in a validated token,
/// so a forged activity naming another host can never make the bot hand its credentials over. In development
/// mode no token is sent at all, and only to loopback addresses.
/// </summary>
internal sealed class TeamsAuthorizationHandler(BotTokenProvider tokens, TeamsStore store, IOptions<TeamsOptions> options) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = request.RequestUri ?? throw new InvalidOperationException("A Teams post needs a URL.");
        if (!request.Options.TryGetValue(TeamsConnector.ServiceUrlKey, out var serviceUrl)
            || !target.AbsoluteUri.StartsWith(TeamsStore.NormalizeServiceUrl(serviceUrl) + "/", StringComparison.OrdinalIgnoreCase))
        {
            throw new UntrustedServiceUrlException(target.GetLeftPart(UriPartial.Authority));
        }

        if (options.Value.DevelopmentMode)
        {
            if (!target.IsLoopback)
            {
                throw new UntrustedServiceUrlException(serviceUrl);
            }

            return await base.SendAsync(request, cancellationToken);
        }

        if (target.Scheme != Uri.UriSchemeHttps || !await store.IsTrustedServiceUrlAsync(serviceUrl, cancellationToken))
        {
            throw new UntrustedServiceUrlException(serviceUrl);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}
