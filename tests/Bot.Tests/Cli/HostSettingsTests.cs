using System.CommandLine;
using Bot.Cli;

namespace Bot.Tests.Cli;

/// <summary>Words no verb claims must be settings the bot reads; anything else is refused before the verb runs.</summary>
public sealed class HostSettingsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("roi-cli-").FullName;

    [Theory]
    [InlineData("--Storage:Path=x.db")]
    [InlineData("--storage:path=x.db")]
    [InlineData("--Slack:AllowedTeamIds:0=T1")]
    [InlineData("--Logging:LogLevel:Default=Warning")]
    [InlineData("--urls=http://127.0.0.1:0")]
    [InlineData("--Storage=")]
    public void Problem_SettingTheBotReads_IsNone(string token) =>
        Assert.Null(HostSettings.Problem(token, Import()));

    [Theory]
    [InlineData("--chek", "--chek is not an option of import (did you mean --check?).")]
    [InlineData("--feture", "--feture is not an option of import (did you mean --feature?).")]
    [InlineData("--Storage:Pth=x.db", "--Storage:Pth=x.db: Storage has no setting 'Pth' (did you mean Path?). Its settings are Path.")]
    [InlineData("--Storge:Path=x.db", "--Storge:Path=x.db: there is no settings section 'Storge' (did you mean Storage?).")]
    [InlineData("--Prices:Overrides:gpt-4o-mini:InputPerMilion=0.15", "--Prices:Overrides:gpt-4o-mini:InputPerMilion=0.15: an entry of Prices:Overrides has no setting 'InputPerMilion' (did you mean InputPerMillion?).")]
    [InlineData("--Storage:Path:Foo=x", "--Storage:Path:Foo=x: Storage:Path is a single value, with nothing below it.")]
    [InlineData("--Storage__Path=x.db", "--Storage__Path=x.db: on the command line write --Storage:Path=x.db (Storage__Path is how an environment variable spells it).")]
    public void Problem_Mistake_SaysWhatWasMeant(string token, string expectedStart) =>
        Assert.StartsWith(expectedStart, HostSettings.Problem(token, Import()), StringComparison.Ordinal);

    [Theory]
    [InlineData("import", "f.csv", "--Storage:Path", "x.db")]
    [InlineData("serve", "--urls", "http://127.0.0.1:5099")]
    public void From_SettingAndValueAsTwoWords_IsAccepted(string verb, params string[] words) =>
        Assert.Equal(words.Where(w => w != "f.csv"), HostSettings.From(BotCommandLine.Create().Parse([verb, .. words])));

    [Fact]
    public void From_MistypedSubcommandOfKeys_SuggestsIt()
    {
        var mistake = Assert.Throws<CommandLineMistakeException>(() => HostSettings.RefuseWithoutSubcommand(BotCommandLine.Create().Parse(["keys", "crate", "x"])));
        Assert.StartsWith("'crate' is not a command (did you mean create?). The commands are create, list, revoke; see keys --help.", mistake.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_MistypedVerb_SuggestsTheVerb() =>
        Assert.StartsWith("'asks' is not a command (did you mean ask?).", HostSettings.Problem("asks", BotCommandLine.Create()), StringComparison.Ordinal);

    [Fact]
    public async Task Import_MistypedCheckOption_IsRefusedAndNothingIsStored()
    {
        var file = Path.Combine(folder, "usage.csv");
        File.WriteAllText(file, "timestamp,feature,model,input_tokens,output_tokens\n2026-11-05T10:00:00Z,support-triage,gpt-4o-mini,100,10\n");
        var database = Path.Combine(folder, "roi.db");

        var mistake = await Assert.ThrowsAsync<CommandLineMistakeException>(() => BotCommandLine.Create()
            .Parse(["import", file, "--chek", $"--Storage:Path={database}"])
            .InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));

        Assert.StartsWith("--chek is not an option of import", mistake.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(database));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private static Command Import() => BotCommandLine.Create().Subcommands.Single(c => c.Name == "import");
}
