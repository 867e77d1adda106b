using Bot.Chat;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Bot.Slack;

internal static class SlackServices
{
    public static void AddSlack(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SlackOptions>().BindConfiguration(SlackOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SlackOptions>, SlackOptionsValidator>();
        builder.Services.AddSingleton<SlackDeliveryLedger>();
        builder.Services.AddSingleton<SlackWorkQueue>();
        builder.Services.AddSingleton<SlackInbound>();
        builder.Services.AddSingleton<IChatSender, SlackChatSender>();
        builder.Services.AddHostedService<SlackReplyWorker>();
        builder.Services.AddHostedService<SlackSocketMode>();

        builder.Services.AddHttpClient<SlackApiClient>((services, http) =>
            {
                http.BaseAddress = services.GetRequiredService<IOptions<SlackOptions>>().Value.ApiBaseUrl;
            })

            // The default request logging writes full URLs, and a response_url is a credential; failures are logged by
            // SlackApiClient instead, with Slack's error code.
            .RemoveAllLoggers()
            .AddResilienceHandler("slack", pipeline => pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                // Handles 429 (waiting exactly Retry-After when Slack sends it), 5xx, 408 and network errors.
                ShouldRetryAfterHeader = true,
                MaxRetryAttempts = 3,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromSeconds(1),
                UseJitter = true,
            }));
    }
}
