using System.Reflection;
using Dapper;

namespace Bot.Data;

/// <summary>
/// Applies the numbered scripts in Data/Migrations (embedded) in order, each once and in its own transaction.
/// Scripts are never edited after they land; a change is a new script.
/// </summary>
internal sealed class Migrator(Database database, ILogger<Migrator> logger)
{
    internal const string CreateLedgerSql = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            name TEXT PRIMARY KEY,
            applied_at INTEGER NOT NULL
        )
        """;

    private const string AppliedSql = "SELECT name FROM schema_migrations";

    private const string RecordSql = "INSERT INTO schema_migrations (name, applied_at) VALUES (@Name, @AppliedAt)";

    public void Migrate(TimeProvider time)
    {
        try
        {
            var folder = System.IO.Path.GetDirectoryName(database.FilePath);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            MigrateOpen(time);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            throw new StartupException($"The database {database.FilePath} cannot be opened or created ({error.Message}). Set Storage:Path (environment variable Storage__Path) to a file in a writable folder.", error);
        }
    }

    private void MigrateOpen(TimeProvider time)
    {
        using var connection = database.Open();
        using (var wal = connection.CreateCommand())
        {
            // Persistent for the file: set once, harmless to repeat.
            wal.CommandText = "PRAGMA journal_mode = WAL";
            wal.ExecuteNonQuery();
        }

        connection.Execute(CreateLedgerSql);
        var applied = connection.Query<string>(AppliedSql).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, sql) in Scripts())
        {
            if (applied.Contains(name))
            {
                continue;
            }

            using var transaction = connection.BeginTransaction();
            connection.Execute(sql, transaction: transaction);
            connection.Execute(RecordSql, new { Name = name, AppliedAt = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction);
            transaction.Commit();
            logger.LogInformation("Applied migration {Migration}", name);
        }
    }

    internal static IEnumerable<(string Name, string Sql)> Scripts()
    {
        var assembly = Assembly.GetExecutingAssembly();
        const string marker = ".Data.Migrations.";
        return assembly.GetManifestResourceNames()
            .Where(resource => resource.Contains(marker, StringComparison.Ordinal) && resource.EndsWith(".sql", StringComparison.Ordinal))
            .Select(resource => (Name: resource[(resource.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..], Resource: resource))
            .OrderBy(script => script.Name, StringComparer.Ordinal)
            .Select(script =>
            {
                using var stream = assembly.GetManifestResourceStream(script.Resource)!;
                using var reader = new StreamReader(stream);
                return (script.Name, reader.ReadToEnd());
            });
    }
}
