using System.Buffers.Binary;
using System.CommandLine;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Bot.Chat;
using Bot.Cli;
using Bot.Teams;
using NJsonSchema;

namespace Bot.Tests.Teams;

public sealed class TeamsManifestTests
{
    private static readonly string ManifestFolder = FindManifestFolder();

    [Fact]
    public async Task Manifest_ValidatesAgainstTeamsSchema130()
    {
        var schema = await TeamsSchemaAsync();
        var errors = schema.Validate(File.ReadAllText(Path.Combine(ManifestFolder, "manifest.json")));
        Assert.Empty(errors.Select(e => $"{e.Path}: {e.Kind}"));

        // NJsonSchema reads the schema as draft-04, which has no `const`; the version pin is checked here instead.
        var pinned = JsonNode.Parse(File.ReadAllText(SchemaPath))!["properties"]!["manifestVersion"]!["const"]!.GetValue<string>();
        Assert.Equal(pinned, Manifest()["manifestVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Schema_ThirteenCommands_Rejected()
    {
        // The validator must be able to fail: Teams allows at most 12 commands per list.
        var manifest = Manifest();
        var commands = manifest["bots"]![0]!["commandLists"]![0]!["commands"]!.AsArray();
        while (commands.Count < 13)
        {
            commands.Add(new JsonObject { ["title"] = "roi help" });
        }

        Assert.NotEmpty((await TeamsSchemaAsync()).Validate(manifest.ToJsonString()));
    }

    [Fact]
    public void Manifest_EveryCommandHasChatHandler()
    {
        using var app = new BotApplication();
        var handlers = app.Service<ChatDispatcher>().Handlers.Select(h => h.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var titles = Manifest()["bots"]![0]!["commandLists"]!.AsArray()
            .SelectMany(list => list!["commands"]!.AsArray().Select(c => c!["title"]!.GetValue<string>()))
            .ToList();

        Assert.NotEmpty(titles);
        Assert.All(titles, title =>
        {
            var words = title.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("roi", words[0]);
            Assert.Contains(words.Length == 1 ? ChatDispatcher.ReportHandlerName : words[1], handlers);
        });
    }

    [Theory]
    [InlineData("color.png", 192)]
    [InlineData("outline.png", 32)]
    public void Icons_PngOfTheRequiredSize(string file, int size)
    {
        var header = File.ReadAllBytes(Path.Combine(ManifestFolder, file)).AsSpan(0, 26);
        Assert.True(header[..8].SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }), "not a PNG");
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(header[12..16]));
        Assert.Equal(size, BinaryPrimitives.ReadInt32BigEndian(header[16..20]));
        Assert.Equal(size, BinaryPrimitives.ReadInt32BigEndian(header[20..24]));
    }

    [Fact]
    public void OutlineIcon_HasAnAlphaChannel()
    {
        // Colour type 4 (grey + alpha) or 6 (RGBA): the outline icon must be transparent around the white shape.
        var colourType = File.ReadAllBytes(Path.Combine(ManifestFolder, "outline.png"))[25];
        Assert.Contains(colourType, new byte[] { 4, 6 });
    }

    [Fact]
    public void Package_WritesManifestAndIconsWithTheBotId()
    {
        var folder = Directory.CreateTempSubdirectory("roi-teams-package-").FullName;
        const string botId = "5a1e0c4e-3d2b-4f6a-9e8d-7c6b5a4f3e2d";
        try
        {
            TeamsPackage.Build(ManifestFolder, botId, Path.Combine(folder, "roi-teams.zip"));

            using var archive = ZipFile.OpenRead(Path.Combine(folder, "roi-teams.zip"));
            Assert.Equal(["color.png", "manifest.json", "outline.png"], archive.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
            using var reader = new StreamReader(archive.GetEntry("manifest.json")!.Open());
            var manifest = JsonNode.Parse(reader.ReadToEnd())!;
            Assert.Equal(botId, manifest["bots"]![0]!["botId"]!.GetValue<string>());
            Assert.Equal(Manifest()["id"]!.GetValue<string>(), manifest["id"]!.GetValue<string>());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-guid")]
    [InlineData(TeamsPackage.PlaceholderBotId)]
    public void Package_WithoutRealBotId_Refused(string? botId)
    {
        var zip = Path.Combine(Path.GetTempPath(), $"roi-teams-{Guid.NewGuid():N}.zip");
        var error = Assert.Throws<ArgumentException>(() => TeamsPackage.Build(ManifestFolder, botId, zip));
        Assert.Contains("--app-id", error.Message);
        Assert.False(File.Exists(zip));
    }

    private static JsonNode Manifest() => JsonNode.Parse(File.ReadAllText(Path.Combine(ManifestFolder, "manifest.json")))!;

    private static string SchemaPath => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Teams", "v1.30.MicrosoftTeams.schema.json");

    // `teams package` checks the words no option claims like the other verbs: a mistyped option writes nothing.
    [Fact]
    public async Task Package_MistypedOption_IsRefusedAndWritesNothing()
    {
        var output = Path.Combine(Path.GetTempPath(), $"roi-teams-{Guid.NewGuid():N}.zip");

        var mistake = await Assert.ThrowsAsync<CommandLineMistakeException>(() => BotCommandLine.Create()
            .Parse(["teams", "package", "--app-id", "11111111-1111-1111-1111-111111111111", "--manifest-dir", ManifestFolder, "--output", output, "--chek"])
            .InvokeAsync(new InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null, EnableDefaultExceptionHandler = false }));

        Assert.StartsWith("--chek is not an option of package", mistake.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    private static Task<JsonSchema> TeamsSchemaAsync() => JsonSchema.FromFileAsync(SchemaPath);

    /// <summary>The committed manifests/teams folder of this checkout, found upwards from the test binaries.</summary>
    private static string FindManifestFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "manifests", "teams");
            if (File.Exists(Path.Combine(candidate, "manifest.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("manifests/teams/manifest.json not found above " + AppContext.BaseDirectory);
    }
}
