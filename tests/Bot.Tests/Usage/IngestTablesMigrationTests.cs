using Bot.Data;
using Bot.Usage;
using Dapper;
using Microsoft.Data.Sqlite;
using static Bot.Tests.Usage.UsageTestKit;

namespace Bot.Tests.Usage;

/// <summary>050_clustered_ingest_tables.sql on a database written by the versions before it.</summary>
public sealed class IngestTablesMigrationTests
{
    [Fact]
    public async Task Migration_RecordStoredWithTheOldKey_IsStillADuplicateWhenSentAgain()
    {
        var record = Record(recordId: "chatcmpl-1", taskId: "T-1", input: 200, cached: 1000);

        // The new key of the record: its instant, then 8 bytes of the content hash. The old key was 16 bytes of the
        // same hash, so it began with those 8 bytes.
        byte[] newKey;
        using (var fresh = new BotApplication())
        {
            await IngestAsync(fresh, "api", record);
            newKey = Scalar<byte[]>(fresh, "SELECT dedupe_key FROM usage_records");
        }

        byte[] oldKey = [.. newKey[8..], 0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67, 0x89];
        using var app = new BotApplication();
        CreateBeforeMigration(app.DatabasePath, "050", connection => connection.Execute(
            """
            INSERT INTO features (name, created_at) VALUES ('support-triage', 0);
            INSERT INTO usage_records (dedupe_key, record_id, source, occurred_at, feature, model, input_tokens, cached_input_tokens,
                                       cache_write_tokens, output_tokens, requests, cost_nanos, cost_source, task_id)
            VALUES (@oldKey, 'chatcmpl-1', 'api', @at, 'support-triage', 'gpt-4o-mini', 200, 1000, 0, 10, 1, 111000, 'catalog', 'T-1');
            INSERT INTO usage_daily VALUES ('support-triage', '2026-11-10', 'gpt-4o-mini', 1, 200, 1000, 0, 10, 111000, 0);
            INSERT INTO tasks VALUES ('support-triage', 'T-1', @at, 1, 'usage');
            INSERT INTO tasks_daily VALUES ('support-triage', '2026-11-10', 1, 0);
            """,
            new { oldKey, at = record.Timestamp.ToUnixTimeMilliseconds() }));

        var again = await IngestAsync(app, "api", record);

        Assert.Equal(new IngestResult(1, 0, 1), again);
        Assert.Equal(newKey, Scalar<byte[]>(app, "SELECT dedupe_key FROM usage_records"));
        Assert.Equal((1L, 111_000L), Rows<(long, long)>(app, "SELECT records, cost_nanos FROM usage_daily WHERE day = '2026-11-10'").Single());
        Assert.Equal((1L, 0L), Rows<(long, long)>(app, "SELECT succeeded, failed FROM tasks_daily").Single());
        Assert.Equal(1L, Scalar<long>(app, "SELECT COUNT(*) FROM tasks"));
    }

    /// <summary>A database file as the bot left it before <paramref name="firstMissing"/>, with <paramref name="seed"/>'s rows.</summary>
    private static void CreateBeforeMigration(string path, string firstMissing, Action<SqliteConnection> seed)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        connection.Execute("PRAGMA journal_mode = WAL");
        connection.Execute(Migrator.CreateLedgerSql);
        foreach (var (name, sql) in Migrator.Scripts().Where(script => string.CompareOrdinal(script.Name, firstMissing) < 0))
        {
            connection.Execute(sql);
            connection.Execute("INSERT INTO schema_migrations (name, applied_at) VALUES (@name, 0)", new { name });
        }

        seed(connection);
        connection.Close();
        SqliteConnection.ClearAllPools();
    }
}
