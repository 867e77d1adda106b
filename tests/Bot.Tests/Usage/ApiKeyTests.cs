using System.Security.Cryptography;
using System.Text;
using Bot.Usage;
using static Bot.Tests.Usage.UsageTestKit;

namespace Bot.Tests.Usage;

public sealed class ApiKeyTests
{
    [Fact]
    public async Task Create_ReturnsKeyOnce_StoresOnlyItsHashAndPrefix()
    {
        using var app = new BotApplication();
        var keys = app.Service<ApiKeyStore>();

        var key = (await keys.CreateAsync("billing", CancellationToken.None))!;

        Assert.Matches("^roi_[A-Za-z0-9_-]{43}$", key);
        var (prefix, hash) = Rows<(string, byte[])>(app, "SELECT key_prefix, key_hash FROM api_keys").Single();
        Assert.Equal(key[..10], prefix);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(key)), hash);
        Assert.Equal("billing", await keys.AuthenticateAsync(key, CancellationToken.None));
        Assert.Null(await keys.AuthenticateAsync(key + "x", CancellationToken.None));
    }

    [Fact]
    public async Task Create_NameOfLiveKey_IsRefused_ButFreeAgainAfterRevoke()
    {
        using var app = new BotApplication();
        var keys = app.Service<ApiKeyStore>();
        var first = await keys.CreateAsync("billing", CancellationToken.None);

        Assert.Null(await keys.CreateAsync("billing", CancellationToken.None));
        Assert.True(await keys.RevokeAsync("billing", CancellationToken.None));
        Assert.False(await keys.RevokeAsync("billing", CancellationToken.None));
        var second = await keys.CreateAsync("billing", CancellationToken.None);

        Assert.NotNull(second);
        Assert.Null(await keys.AuthenticateAsync(first, CancellationToken.None));
        Assert.Equal("billing", await keys.AuthenticateAsync(second, CancellationToken.None));
        Assert.Equal(["billing"], (await keys.ListAsync(CancellationToken.None)).Select(k => k.Name));
    }

    [Fact]
    public async Task KeysVerb_CreateListRevoke_WorksFromTheCommandLine()
    {
        var folder = Directory.CreateTempSubdirectory("roi-keys-").FullName;
        var storage = $"--Storage:Path={Path.Combine(folder, "roi.db")}";
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            Assert.Equal(0, await Bot.Cli.BotCommandLine.Create().Parse(["keys", "create", "exporter", storage]).InvokeAsync());
            // Console.Out is shared with tests running alongside, whose hosts may log: look for the key's own line.
            var key = output.ToString().Split('\n').Select(l => l.Trim()).Single(l => System.Text.RegularExpressions.Regex.IsMatch(l, "^roi_[A-Za-z0-9_-]{43}$"));

            Assert.Equal(0, await Bot.Cli.BotCommandLine.Create().Parse(["keys", "list", storage]).InvokeAsync());
            Assert.Contains($"exporter\t{key[..10]}…", output.ToString());
            Assert.DoesNotContain(key + "\t", output.ToString());

            Assert.Equal(0, await Bot.Cli.BotCommandLine.Create().Parse(["keys", "revoke", "exporter", storage]).InvokeAsync());
            Assert.Equal(2, await Bot.Cli.BotCommandLine.Create().Parse(["keys", "revoke", "exporter", storage]).InvokeAsync());
        }
        finally
        {
            Console.SetOut(original);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }
}
