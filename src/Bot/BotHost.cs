using Bot.Charts;
using Bot.Chat;
using Bot.Data;
using Bot.Digests;
using Bot.Local;
using Bot.Roi;
using Bot.Slack;
using Bot.Teams;
using Bot.Usage;

namespace Bot;

/// <summary>Composition only: each area adds its services and maps its endpoints.</summary>
internal static class BotHost
{
    /// <summary>
    /// Builds the bot. <paramref name="oneShot"/> is for a verb (`ask`, `import`, ...) that runs beside a server which may be
    /// running: it does not rebuild the daily rollups for another reporting zone (see <see cref="RollupZone"/>).
    /// </summary>
    public static WebApplication Build(string[] args, bool oneShot = false)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddData();
        builder.AddRoi();
        builder.AddChat();
        builder.AddLocalChat();
        builder.AddTeams();
        builder.AddSlack();
        builder.AddCharts();
        builder.AddDigests();
        builder.AddUsage();

        var app = builder.Build();
        app.Services.GetRequiredService<Migrator>().Migrate(app.Services.GetRequiredService<TimeProvider>());
        app.Services.GetRequiredService<RollupZone>().EnsureCurrent(mayRebuild: !oneShot);

        app.MapLocalChat();
        app.MapTeams();
        app.MapSlack();
        app.MapCharts();
        app.MapUsage();
        return app;
    }
}
