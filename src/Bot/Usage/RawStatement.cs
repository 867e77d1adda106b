using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Bot.Usage;

/// <summary>
/// One prepared SQLite statement, bound by position and run on the hot path of an import. Measured: a
/// SqliteCommand costs several microseconds per execution in binding parameters by name and creating a reader,
/// which was most of the time of a million-record import; this runs the same SQL on the same connection and
/// inside its transaction. The SQL itself stays plain.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly SqliteConnection connection;
    private readonly sqlite3_stmt statement;

    // What each position holds, for texts bound by reference: bindings last across executions (sqlite3_reset keeps
    // them), so a text that repeats from row to row (feature, model, source) is bound once.
    private readonly object?[] bound;

    public RawStatement(SqliteConnection connection, string sql)
    {
        this.connection = connection;
        var rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out statement);
        SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        bound = new object?[raw.sqlite3_bind_parameter_count(statement) + 1];
    }

    public void Bind(int position, long value) => Check(position, raw.sqlite3_bind_int64(statement, position, value));

    public void Bind(int position, long? value) =>
        Check(position, value is { } v ? raw.sqlite3_bind_int64(statement, position, v) : raw.sqlite3_bind_null(statement, position));

    public void Bind(int position, string? value) =>
        Check(position, value is null ? raw.sqlite3_bind_null(statement, position) : raw.sqlite3_bind_text(statement, position, value));

    public void Bind(int position, ReadOnlySpan<byte> value) => Check(position, raw.sqlite3_bind_blob(statement, position, value));

    /// <summary>Text already encoded as UTF-8; null binds NULL.</summary>
    public void BindText(int position, byte[]? utf8) =>
        Check(position, utf8 is null ? raw.sqlite3_bind_null(statement, position) : raw.sqlite3_bind_text(statement, position, utf8));

    /// <summary>A text that repeats across rows: bound only when the position holds another.</summary>
    public void BindText(int position, StoredText text)
    {
        if (!ReferenceEquals(bound[position], text))
        {
            BindText(position, text.Utf8);
            bound[position] = text;
        }
    }

    /// <summary>Runs the statement and returns the number of rows it changed.</summary>
    public int Execute()
    {
        var rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        }

        return raw.sqlite3_changes(connection.Handle);
    }

    public void Dispose() => statement.Dispose();

    private void Check(int position, int rc)
    {
        bound[position] = null;
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        }
    }
}
