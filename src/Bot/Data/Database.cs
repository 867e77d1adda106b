using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Bot.Data;

/// <summary>Opens connections to the one SQLite file. WAL lets readers go on while an import writes.</summary>
internal sealed class Database
{
    private readonly string connectionString;

    public Database(IOptions<StorageOptions> options)
    {
        var path = System.IO.Path.GetFullPath(options.Value.Path);
        FilePath = path;
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,

            // Microsoft.Data.Sqlite retries SQLITE_BUSY until this many seconds pass: a writer waits for another
            // instead of failing with "database is locked".
            DefaultTimeout = 60,
        }.ToString();
    }

    public string FilePath { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 60000;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 60000;";
        pragma.ExecuteNonQuery();
        return connection;
    }
}
