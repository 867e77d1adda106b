using System.CommandLine;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bot.Teams;

/// <summary>
/// `teams package`: zips manifests/teams (manifest.json, color.png, outline.png) into the app package to sideload,
/// with the bot's Microsoft App ID written into the manifest in place of the committed placeholder.
/// </summary>
internal static class TeamsPackage
{
    public const string PlaceholderBotId = "00000000-0000-0000-0000-000000000000";

    public static readonly IReadOnlyList<string> Files = ["manifest.json", "color.png", "outline.png"];

    public static Command Command()
    {
        var appId = new Option<string?>("--app-id") { Description = "The bot's Microsoft App ID; default: Teams:AppId from appsettings.json, the environment (Teams__AppId) or --Teams:AppId=<id>." };
        var folder = new Option<string>("--manifest-dir") { Description = "Folder with manifest.json and the icons; default: manifests/teams in this or a parent folder.", DefaultValueFactory = _ => DefaultManifestFolder() };
        var output = new Option<string>("--output") { Description = "The zip to write; default: roi-teams.zip beside the manifests folder.", DefaultValueFactory = _ => Path.Combine(DefaultManifestFolder(), "..", "..", "roi-teams.zip") };
        var package = new Command("package", "Build the Teams app package (zip) to sideload or upload in the Teams admin center.") { appId, folder, output };
        package.SetAction(result =>
        {
            var settings = Cli.HostSettings.From(result);
            var id = result.GetValue(appId) ?? ConfiguredAppId(settings);
            try
            {
                Build(result.GetValue(folder)!, id, result.GetValue(output)!);
                Console.Out.WriteLine($"Wrote {Path.GetFullPath(result.GetValue(output)!)} for bot {id}.");
                return 0;
            }
            catch (Exception exception) when (exception is ArgumentException or IOException or JsonException)
            {
                Console.Error.WriteLine(exception.Message);
                return 2;
            }
        });

        var teams = new Command("teams", "Microsoft Teams tools.") { package };
        teams.SetAction(Cli.HostSettings.RefuseWithoutSubcommand);
        return teams;
    }

    public static void Build(string manifestFolder, string? botAppId, string outputPath)
    {
        if (!Guid.TryParse(botAppId, out var botId) || botId == Guid.Empty)
        {
            throw new ArgumentException("The bot's Microsoft App ID is needed (a GUID): pass --app-id or set Teams__AppId.");
        }

        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(manifestFolder, "manifest.json")))
            ?? throw new JsonException("manifest.json is empty.");
        if (manifest["bots"] is not JsonArray { Count: 1 } bots || bots[0] is not JsonObject bot)
        {
            throw new JsonException("manifest.json must declare exactly one bot.");
        }

        bot["botId"] = botId.ToString();
        var full = Path.GetFullPath(outputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.Delete(full);
        using var zip = ZipFile.Open(full, ZipArchiveMode.Create);
        using (var writer = new StreamWriter(zip.CreateEntry("manifest.json").Open()))
        {
            writer.Write(manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }

        foreach (var icon in Files.Skip(1))
        {
            zip.CreateEntryFromFile(Path.Combine(manifestFolder, icon), icon);
        }
    }

    /// <summary>`dotnet run` starts in the project folder, so look for the manifests upwards from where we are.</summary>
    private static string DefaultManifestFolder()
    {
        var relative = Path.Combine("manifests", "teams");
        for (var folder = new DirectoryInfo(Directory.GetCurrentDirectory()); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, relative, "manifest.json")))
            {
                return Path.Combine(folder.FullName, relative);
            }
        }

        return relative;
    }

    private static string? ConfiguredAppId(string[] settings) => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
        .AddEnvironmentVariables()
        .AddCommandLine(settings)
        .Build()[$"{TeamsOptions.Section}:{nameof(TeamsOptions.AppId)}"];
}
