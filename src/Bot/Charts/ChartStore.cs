using Bot.Data;
using Dapper;

namespace Bot.Charts;

/// <summary>Rendered charts kept for their links, in SQLite so any instance can serve a link another made.</summary>
internal sealed class ChartStore(Database database)
{
    private const string DeleteExpiredSql = "DELETE FROM charts WHERE expires_at <= @Now";

    private const string InsertSql = """
        INSERT INTO charts (id, png, file_name, created_at, expires_at)
        VALUES (@Id, @Png, @FileName, @CreatedAt, @ExpiresAt)
        """;

    /// <summary>Stores a chart and, in the same transaction, drops the ones whose links have expired.</summary>
    public void Add(string id, byte[] png, string fileName, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        connection.Execute(DeleteExpiredSql, new { Now = now.ToUnixTimeMilliseconds() }, transaction);
        connection.Execute(InsertSql, new { Id = id, Png = png, FileName = fileName, CreatedAt = now.ToUnixTimeMilliseconds(), ExpiresAt = expiresAt.ToUnixTimeMilliseconds() }, transaction);
        transaction.Commit();
    }

    private const string FindSql = "SELECT png FROM charts WHERE id = @Id AND expires_at > @Now";

    public async Task<byte[]?> FindAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition(FindSql, new { Id = id, Now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }
}
