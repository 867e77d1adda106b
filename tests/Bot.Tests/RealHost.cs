namespace Bot.Tests;

/// <summary>
/// The real composition, started the way `serve` starts it, on a throw-away database. Start-up refusals
/// (ValidateOnStart) surface here as their own exception; inside WebApplicationFactory they would not.
/// </summary>
internal static class RealHost
{
    public static async Task StartAndStopAsync(params string[] settings)
    {
        var folder = Directory.CreateTempSubdirectory("roi-bot-start-").FullName;
        try
        {
            await using var app = BotHost.Build([$"--Storage:Path={Path.Combine(folder, "roi.db")}", "--urls=http://127.0.0.1:0", .. settings]);
            await app.StartAsync();
            await app.StopAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
