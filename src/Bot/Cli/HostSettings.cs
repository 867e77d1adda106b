using System.CommandLine;
using System.Reflection;
using Bot.Charts;
using Bot.Data;
using Bot.Digests;
using Bot.Roi;
using Bot.Slack;
using Bot.Teams;
using Bot.Usage;
using Bot.Usage.Prices;

namespace Bot.Cli;

/// <summary>A word on the command line that is neither a verb, an option of it, nor a setting the bot reads.</summary>
internal sealed class CommandLineMistakeException(string message) : Exception(message);

/// <summary>
/// The words no verb claimed become host settings (`--Storage:Path=x.db`, `--urls=...`), which is also how
/// WebApplicationFactory hands its own to the app in tests. Each must be a setting the bot reads: a mistyped option
/// (`--chek`), verb (`asks`) or setting (`--Storage:Pth=x`) would otherwise be passed on, read by nobody, and the
/// command would run as if it had not been typed.
/// </summary>
internal static class HostSettings
{
    // The web host's own keys (ASP.NET Core reads these from the command line).
    private static readonly string[] HostKeys = ["urls", "environment", "contentRoot", "applicationName", "http_ports", "https_ports"];

    // Sections whose keys are checked against the options class that binds them; the others only by section name.
    private static readonly Dictionary<string, Type> Options = new(StringComparer.OrdinalIgnoreCase)
    {
        [StorageOptions.Section] = typeof(StorageOptions),
        [ReportingOptions.Section] = typeof(ReportingOptions),
        [SlackOptions.Section] = typeof(SlackOptions),
        [TeamsOptions.Section] = typeof(TeamsOptions),
        [DigestOptions.Section] = typeof(DigestOptions),
        [ChartOptions.Section] = typeof(ChartOptions),
        [PriceOptions.Section] = typeof(PriceOptions),
        [UsageApiOptions.Section] = typeof(UsageApiOptions),
    };

    private static readonly string[] OtherSections = ["Logging", "Kestrel", "AllowedHosts", "Urls"];

    /// <summary>The unclaimed words as host settings; throws <see cref="CommandLineMistakeException"/> for any that is not one.</summary>
    public static string[] From(ParseResult result)
    {
        foreach (var token in result.UnmatchedTokens)
        {
            if (Problem(token, result.CommandResult.Command) is { } problem)
            {
                throw new CommandLineMistakeException(problem);
            }
        }

        return [.. result.UnmatchedTokens];
    }

    /// <summary>Why <paramref name="token"/> is not a setting, or null when it is one.</summary>
    internal static string? Problem(string token, Command command)
    {
        if (!token.StartsWith("--", StringComparison.Ordinal))
        {
            var verbs = command.Subcommands.Select(c => c.Name).ToList();
            var hint = Hint(token, verbs);
            return verbs.Count > 0
                ? $"'{token}' is not a command{hint}. The commands are {string.Join(", ", verbs)}; see --help."
                : $"'{token}' is not expected here{hint}; see {command.Name} --help.";
        }

        var equals = token.IndexOf('=', StringComparison.Ordinal);
        var key = equals < 0 ? token[2..] : token[2..equals];
        if (equals < 0)
        {
            var options = command.Options.Select(o => o.Name).Where(n => n.StartsWith("--", StringComparison.Ordinal)).ToList();
            return $"{token} is not an option of {command.Name}{Hint(token, options)}. Settings are written --Section:Key=value, for example --Storage:Path=data/roi.db; see {command.Name} --help.";
        }

        if (key.Contains("__", StringComparison.Ordinal))
        {
            return $"{token}: on the command line write --{key.Replace("__", ":", StringComparison.Ordinal)}={token[(equals + 1)..]} ({key} is how an environment variable spells it).";
        }

        var parts = key.Split(':');
        if (parts.Length == 1)
        {
            // A section's own key (`--Storage=`) is how WebApplicationFactory passes a section's parent node.
            return HostKeys.Contains(key, StringComparer.OrdinalIgnoreCase) || OtherSections.Contains(key, StringComparer.OrdinalIgnoreCase) || Options.ContainsKey(key)
                ? null
                : $"{token} is not a setting{Hint(key, HostKeys)}. Settings are written --Section:Key=value, for example --Storage:Path=data/roi.db.";
        }

        if (Options.TryGetValue(parts[0], out var type))
        {
            var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToList();
            return properties.Contains(parts[1], StringComparer.OrdinalIgnoreCase)
                ? null
                : $"{token}: {parts[0]} has no setting '{parts[1]}'{Hint(parts[1], properties)}. Its settings are {string.Join(", ", properties)}.";
        }

        var sections = Options.Keys.Concat(OtherSections).ToList();
        return OtherSections.Contains(parts[0], StringComparer.OrdinalIgnoreCase)
            ? null
            : $"{token}: there is no settings section '{parts[0]}'{Hint(parts[0], sections)}. The sections are {string.Join(", ", sections)}.";
    }

    private static string Hint(string text, IEnumerable<string> known)
    {
        static string Bare(string name) => name.TrimStart('-').ToLowerInvariant();
        var names = known.ToList();
        return FeatureName.Suggest(Bare(text), names.Select(Bare)) is [var first, ..]
            ? $" (did you mean {names.First(name => Bare(name) == first)}?)"
            : string.Empty;
    }
}
