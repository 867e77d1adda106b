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
    private static readonly string[] HostKeys =
    [
        "urls", "environment", "contentRoot", "applicationName", "webroot", "http_ports", "https_ports", "https_port",
        "shutdownTimeoutSeconds", "detailedErrors", "captureStartupErrors", "suppressStatusMessages", "preventHostingStartup",
        "hostingStartupAssemblies", "hostingStartupExcludeAssemblies", "AllowedHosts",
    ];


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
        var tokens = result.UnmatchedTokens;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];

            // `--urls http://...`: the host reads a setting and its value as two words too.
            var pair = IsSettingName(token) && i + 1 < tokens.Count && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal);
            if (Problem(pair ? $"{token}={tokens[i + 1]}" : token, result.CommandResult.Command) is { } problem)
            {
                throw new CommandLineMistakeException(problem);
            }

            i += pair ? 1 : 0;
        }

        return [.. tokens];
    }

    /// <summary>
    /// The action of a command that only groups others (`keys`, `teams`): a mistyped subcommand is refused with a
    /// suggestion, and no subcommand at all gets the list.
    /// </summary>
    public static int RefuseWithoutSubcommand(ParseResult result)
    {
        From(result);
        var command = result.CommandResult.Command;
        throw new CommandLineMistakeException($"Say which: {string.Join(", ", command.Subcommands.Select(c => $"{command.Name} {c.Name}"))}; see {command.Name} --help.");
    }

    /// <summary>`--urls`, `--Storage:Path`: a setting's name without `=value`.</summary>
    private static bool IsSettingName(string token) =>
        token.StartsWith("--", StringComparison.Ordinal) && !token.Contains('=', StringComparison.Ordinal)
        && (token.Contains(':', StringComparison.Ordinal) || HostKeys.Contains(token[2..], StringComparer.OrdinalIgnoreCase));

    /// <summary>Why <paramref name="token"/> is not a setting, or null when it is one.</summary>
    internal static string? Problem(string token, Command command)
    {
        if (!token.StartsWith("--", StringComparison.Ordinal))
        {
            var verbs = command.Subcommands.Select(c => c.Name).ToList();
            var hint = Hint(token, verbs);
            return verbs.Count > 0
                ? $"'{token}' is not a command{hint}. The commands are {string.Join(", ", verbs)}; see {(command is RootCommand ? string.Empty : command.Name + " ")}--help."
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
            // Only settable properties: configuration never sets a computed one.
            var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
            var names = properties.Select(p => p.Name).ToList();
            var property = properties.FirstOrDefault(p => p.Name.Equals(parts[1], StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                return $"{token}: {parts[0]} has no setting '{parts[1]}'{Hint(parts[1], names)}. Its settings are {string.Join(", ", names)}.";
            }

            // A plain value (text, number, switch) has nothing below it; lists and maps are not checked further.
            var simple = property.PropertyType.IsPrimitive || property.PropertyType == typeof(string) || property.PropertyType == typeof(decimal)
                || Nullable.GetUnderlyingType(property.PropertyType) is { } inner && (inner.IsPrimitive || inner == typeof(decimal));
            if (simple && parts.Length > 2)
            {
                return $"{token}: {parts[0]}:{property.Name} is a single value, with nothing below it.";
            }

            // A map by name (Prices:Overrides:<model>:InputPerMillion): the entry's own settings are checked too.
            if (parts.Length > 3 && property.PropertyType.IsGenericType && property.PropertyType.GetGenericArguments() is [var keyType, var entryType] && keyType == typeof(string))
            {
                var entryNames = entryType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name).ToList();
                return entryNames.Contains(parts[3], StringComparer.OrdinalIgnoreCase)
                    ? null
                    : $"{token}: an entry of {parts[0]}:{property.Name} has no setting '{parts[3]}'{Hint(parts[3], entryNames)}. Its settings are {string.Join(", ", entryNames)}.";
            }

            return null;
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
