using System.Net;
using System.Text.Json;
using Bot.Charts;
using Bot.Chat;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;

namespace Bot.Teams;

/// <summary>The Microsoft Teams channel over the Bot Framework protocol: `POST /api/messages` in, Bot Connector REST out.</summary>
internal static class TeamsChat
{
    public const string Platform = "teams";

    public const string OpenIdHttpClientName = "Teams.OpenId";

    private const long MaxActivityBytes = 256 * 1024;

    /// <summary>The longest one post may take with its retries (room for a Retry-After of up to a minute or so).</summary>
    public static readonly TimeSpan PostTimeout = TimeSpan.FromMinutes(2);

    public static void AddTeams(this WebApplicationBuilder builder)
    {
        if (SecretInSettingsFile(builder.Configuration) is { } file)
        {
            throw new InvalidOperationException($"Teams:AppPassword is a secret and must not be in {file}: remove it and set the environment variable Teams__AppPassword.");
        }

        builder.Services.AddOptions<TeamsOptions>().BindConfiguration(TeamsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TeamsOptions>, TeamsOptionsValidator>();
        if (!builder.Configuration.GetValue<bool>($"{TeamsOptions.Section}:{nameof(TeamsOptions.Enabled)}"))
        {
            return;
        }

        // A failed fetch is logged by BotFrameworkKeyCache as one line; the default handler logging would add two
        // stack traces per attempt.
        builder.Services.AddHttpClient(OpenIdHttpClientName).RemoveAllLoggers();
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<TeamsOptions>>().Value;
            var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(OpenIdHttpClientName);
            return new BotFrameworkKeyCache(
                options.OpenIdMetadataUrl,
                new BotFrameworkSigningKeysRetriever(),
                new HttpDocumentRetriever(http) { RequireHttps = true },
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<ILogger<BotFrameworkKeyCache>>());
        });
        builder.Services.AddSingleton<TeamsTokenValidator>();
        builder.Services.AddSingleton<TeamsStore>();
        builder.Services.AddSingleton<BotTokenProvider>();
        builder.Services.AddSingleton<TeamsConnector>();
        builder.Services.AddSingleton<TeamsMessenger>();
        builder.Services.AddSingleton<TeamsInbox>();
        builder.Services.AddSingleton<IChatSender, TeamsChatSender>();
        builder.Services.AddHostedService<TeamsActivityWorker>();
        builder.Services.AddTransient<TeamsAuthorizationHandler>();

        builder.Services.AddHttpClient(BotTokenProvider.HttpClientName).AddStandardResilienceHandler(ConfigureRetries);

        // Retries outside, token inside: every attempt carries a current token, and the trust check runs on each.
        builder.Services.AddHttpClient(TeamsConnector.HttpClientName)
            .AddStandardResilienceHandler(ConfigureRetries)
            .Services.AddHttpClient(TeamsConnector.HttpClientName)
            .AddHttpMessageHandler<TeamsAuthorizationHandler>();
    }

    /// <summary>The appsettings file that holds the app password, if one does: secrets come from the environment only.</summary>
    internal static string? SecretInSettingsFile(IConfiguration configuration) =>
        (configuration as IConfigurationRoot)?.Providers
            .OfType<Microsoft.Extensions.Configuration.Json.JsonConfigurationProvider>()
            .Where(provider => Path.GetFileName(provider.Source.Path ?? string.Empty).StartsWith("appsettings", StringComparison.OrdinalIgnoreCase))
            .FirstOrDefault(provider => provider.TryGet($"{TeamsOptions.Section}:{nameof(TeamsOptions.AppPassword)}", out var value) && !string.IsNullOrEmpty(value))
            ?.Source.Path;

    /// <summary>protocols.md B3: 429 (honouring Retry-After), 412, 408 and 5xx are retried, a bounded number of times.</summary>
    private static void ConfigureRetries(HttpStandardResilienceOptions options)
    {
        options.Retry.MaxRetryAttempts = 4;

        options.TotalRequestTimeout.Timeout = PostTimeout;
        options.Retry.ShouldRetryAfterHeader = true;
        options.Retry.ShouldHandle = args => ValueTask.FromResult(
            HttpClientResiliencePredicates.IsTransient(args.Outcome) || args.Outcome.Result?.StatusCode == HttpStatusCode.PreconditionFailed);
    }

    public static void MapTeams(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<TeamsOptions>>().Value;
        if (!options.Enabled)
        {
            return;
        }

        var logger = app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TeamsChat));
        if (options.DevelopmentMode)
        {
            logger.LogWarning("Teams development mode is on: /api/messages accepts requests without a token. Never use it outside a developer machine.");
        }

        if (string.IsNullOrEmpty(app.ServiceProvider.GetRequiredService<IOptions<ChartOptions>>().Value.PublicBaseUrl))
        {
            // Not a refusal: Teams works without pictures, and a chart's description still shows in the card.
            logger.LogWarning("Charts__PublicBaseUrl is not set, so Teams cards show a chart's description instead of the image. Set it to the https address Teams reaches the bot at (https://roi.example.com).");
        }

        app.MapPost("/api/messages", ReceiveAsync);
    }

    /// <summary>Verify, then take the activity once and ack at once; the answer is posted from the background.</summary>
    internal static async Task<IResult> ReceiveAsync(
        HttpContext http,
        TeamsTokenValidator validator,
        TeamsStore store,
        TeamsInbox inbox,
        IOptions<TeamsOptions> teamsOptions,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var options = teamsOptions.Value;
        var authorization = http.Request.Headers.Authorization.ToString();
        if (!options.DevelopmentMode && string.IsNullOrWhiteSpace(authorization))
        {
            return Results.Problem(statusCode: 401, title: "Missing token", detail: "Bot Framework requests carry Authorization: Bearer <token>.");
        }

        if (http.Request.ContentLength > MaxActivityBytes)
        {
            return Results.Problem(statusCode: 413, title: "Activity too large");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxActivityBytes;
        }

        TeamsActivity? activity;
        try
        {
            activity = await JsonSerializer.DeserializeAsync<TeamsActivity>(http.Request.Body, TeamsActivity.Json, cancellationToken);
        }
        catch (JsonException exception)
        {
            return Results.Problem(statusCode: 400, title: "Malformed activity", detail: $"line {exception.LineNumber + 1}, field {exception.Path}: {exception.Message}");
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Results.Problem(statusCode: 413, title: "Activity too large");
        }

        if (activity is null)
        {
            return Results.Problem(statusCode: 400, title: "Malformed activity", detail: "The body is not an activity object.");
        }

        if (!options.DevelopmentMode)
        {
            var auth = await validator.ValidateAsync(authorization, activity, cancellationToken);
            if (auth == TeamsAuthResult.KeysUnavailable)
            {
                return Results.Problem(statusCode: 503, title: "Cannot verify requests right now");
            }

            if (auth == TeamsAuthResult.MissingToken)
            {
                // Another scheme (Basic, a bare token): say what to send rather than only that it is missing.
                return Results.Problem(statusCode: 401, title: "Unauthorized", detail: "Send the Bot Framework token as Authorization: Bearer <token>.");
            }

            if (auth != TeamsAuthResult.Valid)
            {
                return Results.Problem(statusCode: 401, title: "Unauthorized", detail: auth.ToString());
            }
        }

        var missing = MissingField(activity);
        if (missing is not null)
        {
            return Results.Problem(statusCode: 400, title: "Incomplete activity", detail: $"field {missing} is required.");
        }

        if (!options.DevelopmentMode)
        {
            if (!options.IsTenantAllowed(activity.TenantId))
            {
                loggers.CreateLogger(typeof(TeamsChat)).LogWarning("Teams request refused: tenant {TenantId} is not allowed", activity.TenantId);
                return Results.Problem(statusCode: 403, title: "Tenant not allowed");
            }

            // Only now has the service URL arrived in a validated token: from here on the bot may send its token there.
            await store.TrustServiceUrlAsync(activity.ServiceUrl!, cancellationToken);
        }

        var answers = activity.Type == TeamsActivity.MessageType
            || (activity.Type == TeamsActivity.ConversationUpdateType && (AddsTheBot(activity) || RemovesTheBot(activity)));
        if (answers && await store.ClaimActivityAsync(activity.Conversation!.Id!, activity.Id!, cancellationToken) is { } owner)
        {
            if (!await inbox.TryEnqueueAsync(new TeamsInboundWork(activity, owner), cancellationToken))
            {
                // Stopping: give the activity back and refuse, so Teams redelivers it to an instance that answers.
                await store.ReleaseActivityAsync(activity.Conversation!.Id!, activity.Id!, owner, CancellationToken.None);
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }
        }

        return Results.Ok();
    }

    /// <summary>True when the members added to a conversation include the bot itself (the recipient).</summary>
    internal static bool AddsTheBot(TeamsActivity activity) => IncludesTheBot(activity, activity.MembersAdded);

    /// <summary>True when the bot itself was removed (uninstalled): it can no longer post there.</summary>
    internal static bool RemovesTheBot(TeamsActivity activity) => IncludesTheBot(activity, activity.MembersRemoved);

    private static bool IncludesTheBot(TeamsActivity activity, IReadOnlyList<ChannelAccount>? members) =>
        activity.Recipient?.Id is { } botId && (members ?? []).Any(member => string.Equals(member.Id, botId, StringComparison.Ordinal));

    private static string? MissingField(TeamsActivity activity)
    {
        if (string.IsNullOrWhiteSpace(activity.Type))
        {
            return "type";
        }

        if (string.IsNullOrWhiteSpace(activity.Id))
        {
            return "id";
        }

        if (string.IsNullOrWhiteSpace(activity.ServiceUrl) || !Uri.TryCreate(activity.ServiceUrl, UriKind.Absolute, out var serviceUrl)
            || (serviceUrl.Scheme != Uri.UriSchemeHttps && serviceUrl.Scheme != Uri.UriSchemeHttp))
        {
            return "serviceUrl";
        }

        if (string.IsNullOrWhiteSpace(activity.Conversation?.Id))
        {
            return "conversation.id";
        }

        return string.IsNullOrWhiteSpace(activity.Recipient?.Id) ? "recipient.id" : null;
    }
}
