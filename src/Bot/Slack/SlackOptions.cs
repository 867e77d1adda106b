using Microsoft.Extensions.Options;

namespace Bot.Slack;

/// <summary>
/// Section `Slack`. Secrets come from the environment only: `Slack__BotToken`, `Slack__SigningSecret`,
/// `Slack__AppToken`. Disabled by default so the bot runs with no Slack account.
/// </summary>
internal sealed class SlackOptions
{
    public const string Section = "Slack";

    public bool Enabled { get; set; }

    /// <summary>`xoxb-...`: posts messages and files.</summary>
    public string? BotToken { get; set; }

    /// <summary>Verifies every HTTP request; required unless <see cref="SocketMode"/> is on.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>`xapp-...` with `connections:write`: opens Socket Mode connections.</summary>
    public string? AppToken { get; set; }

    /// <summary>Receive events over a WebSocket the bot opens, instead of Slack calling a public URL.</summary>
    public bool SocketMode { get; set; }

    /// <summary>Workspace (team) ids allowed to talk to the bot (`Slack__AllowedTeamIds__0=T…`); everything else is refused.</summary>
    public List<string> AllowedTeamIds { get; set; } = [];

    public Uri ApiBaseUrl { get; set; } = new("https://slack.com/api/");

    /// <summary>Where Slack's response_url points; an empty list means this one.</summary>
    public const string SlackResponseUrlHost = "hooks.slack.com";

    /// <summary>
    /// Hosts a slash command's response_url may point at (https only). The bot posts to that URL, so anything else,
    /// such as a cloud metadata address in a forged or replayed command, is never contacted.
    /// </summary>
    public List<string> ResponseUrlHosts { get; set; } = [];

    /// <summary>
    /// How long a claimed event stays with the instance answering it. Retries inside the lease are skipped (the answer
    /// is on its way); a retry after it, when no answer was posted (the instance stopped), is answered. Two minutes
    /// covers a slow answer with its posting retries, and lets Slack's 5-minute retry answer an event whose first
    /// instance died.
    /// </summary>
    public TimeSpan DeliveryLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Within this range the lease outlives a slow answer and ends well before the dedupe window.</summary>
    public static readonly TimeSpan MinDeliveryLease = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan MaxDeliveryLease = TimeSpan.FromMinutes(30);

    public IReadOnlySet<string> AllowedResponseUrlHosts()
    {
        var hosts = ResponseUrlHosts.Select(host => host.Trim()).Where(host => host.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return hosts.Count > 0 ? hosts : new HashSet<string>(StringComparer.OrdinalIgnoreCase) { SlackResponseUrlHost };
    }

    /// <summary>
    /// True for `https://` on the default port at an allowed host, with no user info. A loopback host (a local fake
    /// Slack for benchmarks) is allowed over http and on any port, but only when it is listed explicitly.
    /// </summary>
    public bool IsAllowedResponseUrl(Uri url)
    {
        if (!url.IsAbsoluteUri || !string.IsNullOrEmpty(url.UserInfo) || !AllowedResponseUrlHosts().Contains(url.IdnHost))
        {
            return false;
        }

        return url.IsLoopback
            ? url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps
            : url.Scheme == Uri.UriSchemeHttps && url.IsDefaultPort;
    }

    public IReadOnlySet<string> AllowedTeams() =>
        AllowedTeamIds.Select(id => id.Trim()).Where(id => id.Length > 0).ToHashSet(StringComparer.Ordinal);
}

/// <summary>Start-up checks: an enabled Slack channel without what it needs to verify and post refuses to start.</summary>
internal sealed class SlackOptionsValidator : IValidateOptions<SlackOptions>
{
    public ValidateOptionsResult Validate(string? name, SlackOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.BotToken))
        {
            failures.Add("Slack is enabled but has no bot token: set the environment variable Slack__BotToken to the app's xoxb- Bot User OAuth Token.");
        }

        if (options.SocketMode && string.IsNullOrWhiteSpace(options.AppToken))
        {
            failures.Add("Slack Socket Mode is on but has no app-level token: set the environment variable Slack__AppToken to an xapp- token with the connections:write scope.");
        }

        if (!options.SocketMode && string.IsNullOrWhiteSpace(options.SigningSecret))
        {
            failures.Add("Slack is enabled but has no signing secret, so Slack's requests cannot be verified: set the environment variable Slack__SigningSecret to the Signing Secret from the app's Basic Information page (or use Socket Mode: Slack__SocketMode=true with Slack__AppToken).");
        }

        if (options.AllowedTeams().Count == 0)
        {
            failures.Add("Slack is enabled but no workspace is allowed: set Slack__AllowedTeamIds__0 to your workspace id (T0123...); requests from other workspaces are refused.");
        }

        if (!options.ApiBaseUrl.IsAbsoluteUri || !options.ApiBaseUrl.AbsoluteUri.EndsWith('/'))
        {
            failures.Add("Slack:ApiBaseUrl must be an absolute URL ending in '/', for example https://slack.com/api/.");
        }

        foreach (var host in options.ResponseUrlHosts.Where(host => Uri.CheckHostName(host.Trim()) is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6)))
        {
            failures.Add($"Slack:ResponseUrlHosts holds \"{host}\", which is not a host name: list bare host names such as {SlackOptions.SlackResponseUrlHost} (no https://, no path).");
        }

        if (options.DeliveryLease < SlackOptions.MinDeliveryLease || options.DeliveryLease > SlackOptions.MaxDeliveryLease)
        {
            failures.Add($"Slack:DeliveryLease must be between {SlackOptions.MinDeliveryLease} and {SlackOptions.MaxDeliveryLease} (for example 00:02:00); it is {options.DeliveryLease}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
