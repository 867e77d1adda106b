using Bot.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests;

/// <summary>
/// The whole bot in memory over its own temporary SQLite file, with the clock pinned at a literal instant.
/// Extra settings (for example a channel's secrets) go in through the constructor.
/// </summary>
internal sealed class BotApplication(IDictionary<string, string?>? settings = null, DateTimeOffset? now = null) : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset DefaultNow = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private readonly string folder = Directory.CreateTempSubdirectory("roi-bot-test-").FullName;

    public FakeTimeProvider Time { get; } = new(now ?? DefaultNow);

    public string DatabasePath => Path.Combine(folder, "roi.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:Path", DatabasePath);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
        });
    }

    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on some platforms; the temp folder is cleaned by the OS.
        }
    }
}
