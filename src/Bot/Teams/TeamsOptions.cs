using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Bot.Teams;

/// <summary>
/// Settings for the Microsoft Teams channel. Off by default so the bot runs with no Microsoft account.
/// The app password is a secret: set it only through the environment variable `Teams__AppPassword`.
/// </summary>
internal sealed class TeamsOptions
{
    public const string Section = "Teams";

    public const string BotFrameworkMetadataUrl = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    /// <summary>The only issuer of tokens the Bot Connector service sends to bots.</summary>
    public const string BotFrameworkIssuer = "https://api.botframework.com";

    /// <summary>Any tenant may talk to the bot when the allow list holds this entry alone.</summary>
    public const string AnyTenant = "*";

    public bool Enabled { get; set; }

    /// <summary>The Microsoft App ID (Entra ID application/client id) of the bot registration.</summary>
    public string? AppId { get; set; }

    /// <summary>The client secret of that app registration. Environment only: `Teams__AppPassword`.</summary>
    public string? AppPassword { get; set; }

    /// <summary>The Entra ID tenant of the app registration; required for a single-tenant app.</summary>
    public string? TenantId { get; set; }

    /// <summary>
    /// False (the default, and what Azure now creates): tokens come from the app's own tenant. True: from
    /// `botframework.com`, the legacy multi-tenant authority.
    /// </summary>
    public bool MultiTenant { get; set; }

    /// <summary>Tenants whose messages the bot answers; the app's own tenant is always allowed. `*` alone allows every tenant.</summary>
    public List<string> AllowedTenantIds { get; set; } = [];

    [Required, Url]
    public string OpenIdMetadataUrl { get; set; } = BotFrameworkMetadataUrl;

    /// <summary>The Microsoft Entra ID authority; the token endpoint is `{authority}/{tenant}/oauth2/v2.0/token`.</summary>
    [Required, Url]
    public string TokenAuthority { get; set; } = "https://login.microsoftonline.com";

    /// <summary>The scope the bot asks Entra ID for when it talks to the Bot Connector.</summary>
    [Required]
    public string TokenScope { get; set; } = "https://api.botframework.com/.default";

    /// <summary>
    /// For local tools such as the Microsoft 365 Agents Playground, which send no tokens: incoming requests are
    /// not authenticated and replies go without a token, to loopback service URLs only. Refused in Production.
    /// </summary>
    public bool DevelopmentMode { get; set; }

    /// <summary>
    /// How long an accepted activity stays with the instance handling it. Shorter than Teams' 15 s redelivery, so a
    /// redelivery after an instance stopped is answered; the post lease, not this one, keeps two answers apart.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ActivityLease { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a post claimed by idempotency key stays with the instance posting it; must outlast one post with all
    /// its retries (<see cref="TeamsChat.PostTimeout"/>), or a slow post could be taken over and made twice.
    /// </summary>
    public TimeSpan PostLease { get; set; } = TimeSpan.FromMinutes(3);

    public string TokenTenant => MultiTenant ? "botframework.com" : TenantId ?? string.Empty;

    public bool IsTenantAllowed(string? tenantId)
    {
        if (AllowedTenantIds is [AnyTenant])
        {
            return true;
        }

        return !string.IsNullOrWhiteSpace(tenantId)
            && (string.Equals(tenantId, TenantId, StringComparison.OrdinalIgnoreCase)
                || AllowedTenantIds.Contains(tenantId, StringComparer.OrdinalIgnoreCase));
    }
}

/// <summary>Refuses to start with a Teams setup that could not verify or answer a request, or that fails open.</summary>
internal sealed class TeamsOptionsValidator(IHostEnvironment environment) : IValidateOptions<TeamsOptions>
{
    public ValidateOptionsResult Validate(string? name, TeamsOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (options.DevelopmentMode && environment.IsProduction())
        {
            failures.Add("Teams development mode accepts unauthenticated requests, so it is refused when the environment is Production: set Teams__DevelopmentMode=false, or run local tools such as the Agents Playground with ASPNETCORE_ENVIRONMENT=Development.");
        }

        if (!options.DevelopmentMode)
        {
            if (string.IsNullOrWhiteSpace(options.AppId))
            {
                failures.Add("Teams is enabled but has no app id: set Teams__AppId to the bot's Microsoft App ID.");
            }

            if (string.IsNullOrWhiteSpace(options.AppPassword))
            {
                failures.Add("Teams is enabled but has no app password: set the environment variable Teams__AppPassword to the app registration's client secret.");
            }

            if (!options.MultiTenant && string.IsNullOrWhiteSpace(options.TenantId))
            {
                failures.Add("Teams:TenantId is required for a single-tenant app: set Teams__TenantId to the app registration's tenant id (or Teams__MultiTenant=true for a multi-tenant bot).");
            }

            if (string.IsNullOrWhiteSpace(options.TenantId) && options.AllowedTenantIds.Count == 0)
            {
                failures.Add("Teams is enabled but no tenant is allowed: set Teams__TenantId, or list tenants as Teams__AllowedTenantIds__0 (\"*\" alone allows every tenant).");
            }
        }

        if (options.PostLease <= TeamsChat.PostTimeout || options.PostLease > TimeSpan.FromHours(1))
        {
            failures.Add($"Teams:PostLease must be longer than one post may take with its retries ({TeamsChat.PostTimeout}) and at most 01:00:00; it is {options.PostLease}.");
        }

        if (options.AllowedTenantIds.Contains(TeamsOptions.AnyTenant) && options.AllowedTenantIds.Count > 1)
        {
            failures.Add("Teams:AllowedTenantIds: \"*\" must be the only entry when it is used.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
