using System.CommandLine;
using Bot.Usage.Importers;

namespace Bot.Cli;

/// <summary>The verbs other areas contribute (import, demo, keys): each adds its command here.</summary>
internal static partial class CliVerbs
{
    public static IEnumerable<Command> All()
    {
        yield return Teams.TeamsPackage.Command();
        yield return Usage.ApiKeyVerbs.Create();
        yield return Demo.DemoCommand.Create();
        yield return ImportCommand.Create();
    }
}
