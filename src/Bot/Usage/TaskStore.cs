using Bot.Data;
using Bot.Roi;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Bot.Usage;

/// <summary>One completed task, reported by the feature's owner.</summary>
internal sealed record TaskReport(string Feature, string TaskId, DateTimeOffset CompletedAt, bool Succeeded);

/// <summary>Task totals for a feature and a month (yyyy-MM, reporting zone), when per-task records are not kept.</summary>
internal sealed record TaskCountReport(string Feature, string Month, long Succeeded, long Failed);

/// <summary>What a tasks upload did: tasks new, changed (outcome or time, or a usage-implied task now reported), unchanged; counts saved.</summary>
internal sealed record TaskSaveResult(long Received, long Stored, long Updated, long Unchanged, long Counts);

/// <summary>
/// Stores reported tasks. A reported task replaces one implied by usage (origin 'api' wins over 'usage'), and
/// tasks_daily moves with it: the old day loses it, the new day gains it. Posting the same task again changes nothing.
/// </summary>
internal sealed class TaskStore(Database database, ReportingClock clock, TimeProvider time)
{
    private const string FindTaskSql = "SELECT completed_at, succeeded, origin FROM tasks WHERE feature = @feature AND task_id = @taskId";

    private const string InsertTaskSql = """
        INSERT INTO tasks (feature, task_id, completed_at, succeeded, origin) VALUES (@feature, @taskId, @completedAt, @succeeded, 'api')
        """;

    private const string UpdateTaskSql = """
        UPDATE tasks SET completed_at = @completedAt, succeeded = @succeeded, origin = 'api'
        WHERE feature = @feature AND task_id = @taskId
        """;

    private const string SaveCountSql = """
        INSERT INTO task_counts (feature, month, succeeded, failed, reported_at) VALUES (@Feature, @Month, @Succeeded, @Failed, @ReportedAt)
        ON CONFLICT (feature, month) DO UPDATE SET succeeded = excluded.succeeded, failed = excluded.failed, reported_at = excluded.reported_at
        """;

    // Not over a count already reported, nor beside tasks reported one by one in that month (the report adds both).
    private const string KeepCountSql = """
        INSERT INTO task_counts (feature, month, succeeded, failed, reported_at)
        SELECT @Feature, @Month, @Succeeded, @Failed, @ReportedAt
        WHERE NOT EXISTS (SELECT 1 FROM tasks_daily WHERE day >= @FromDay AND day < @ToDay AND feature = @Feature)
        ON CONFLICT (feature, month) DO NOTHING
        """;

    private const string EnsureFeatureSql = "INSERT INTO features (name, created_at) VALUES (@Name, @CreatedAt) ON CONFLICT (name) DO NOTHING";

    /// <summary>
    /// Saves month counts only where nothing was reported for that feature and month, neither a count nor tasks one
    /// by one (the demo's: what a user reported is kept, the way a baseline a user set is). Returns how many were saved.
    /// </summary>
    public async Task<int> SaveCountsIfAbsentAsync(IReadOnlyList<TaskCountReport> counts, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        using var transaction = connection.BeginTransaction();
        var saved = 0;
        foreach (var count in counts)
        {
            connection.Execute(EnsureFeatureSql, new { Name = count.Feature, CreatedAt = now }, transaction);
            var first = DateOnly.ParseExact(count.Month + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            saved += connection.Execute(
                KeepCountSql,
                new { count.Feature, count.Month, count.Succeeded, count.Failed, ReportedAt = now, FromDay = first.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ToDay = first.AddMonths(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) },
                transaction);
        }

        transaction.Commit();
        return saved;
    }

    /// <summary>Saves everything in one transaction. Features must already be normalised (<see cref="FeatureName"/>).</summary>
    public async Task<TaskSaveResult> SaveAsync(IReadOnlyList<TaskReport> tasks, IReadOnlyList<TaskCountReport> counts, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var days = new LocalDays(clock.Zone);
        long stored = 0, updated = 0, unchanged = 0;

        await using var connection = await database.OpenAsync(cancellationToken);
        using var transaction = connection.BeginTransaction();
        foreach (var feature in tasks.Select(t => t.Feature).Concat(counts.Select(c => c.Feature)).Distinct(StringComparer.Ordinal))
        {
            connection.Execute(EnsureFeatureSql, new { Name = feature, CreatedAt = now }, transaction);
        }

        using var find = RollupWriter.Prepare(connection, transaction, FindTaskSql, "@feature", "@taskId");
        using var insert = RollupWriter.Prepare(connection, transaction, InsertTaskSql, "@feature", "@taskId", "@completedAt", "@succeeded");
        using var update = RollupWriter.Prepare(connection, transaction, UpdateTaskSql, "@feature", "@taskId", "@completedAt", "@succeeded");
        using var rollups = new RollupWriter(connection, transaction);
        foreach (var task in tasks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var completedAt = task.CompletedAt.ToUnixTimeMilliseconds();
            var succeeded = task.Succeeded ? 1L : 0L;
            var existing = Find(find, task);
            if (existing is { } old && old.Origin == "api" && old.CompletedAt == completedAt && old.Succeeded == succeeded)
            {
                unchanged++;
                continue;
            }

            var command = existing is null ? insert : update;
            command.Parameters[0].Value = task.Feature;
            command.Parameters[1].Value = task.TaskId;
            command.Parameters[2].Value = completedAt;
            command.Parameters[3].Value = succeeded;
            command.ExecuteNonQuery();

            if (existing is { } previous)
            {
                rollups.AddTasks(task.Feature, days.DayOf(previous.CompletedAt), -previous.Succeeded, -(1 - previous.Succeeded));
                updated++;
            }
            else
            {
                stored++;
            }

            rollups.AddTasks(task.Feature, days.DayOf(completedAt), succeeded, 1 - succeeded);
        }

        foreach (var count in counts)
        {
            connection.Execute(SaveCountSql, new { count.Feature, count.Month, count.Succeeded, count.Failed, ReportedAt = now }, transaction);
        }

        rollups.Commit();
        return new TaskSaveResult(tasks.Count, stored, updated, unchanged, counts.Count);
    }

    private static (long CompletedAt, long Succeeded, string Origin)? Find(SqliteCommand find, TaskReport task)
    {
        find.Parameters[0].Value = task.Feature;
        find.Parameters[1].Value = task.TaskId;
        using var reader = find.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2)) : null;
    }
}
