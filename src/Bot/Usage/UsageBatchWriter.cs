using System.Globalization;
using Bot.Roi;
using Microsoft.Data.Sqlite;

namespace Bot.Usage;

/// <summary>
/// The writing half of a <see cref="UsageIngest"/>: stores prepared records batch by batch with prepared statements,
/// inside one write transaction that starts with the first batch, and adds what was newly stored to the rollups
/// and the tasks it implies. Used by one task at a time.
/// </summary>
internal sealed class UsageBatchWriter(SqliteConnection connection, TimeProvider time) : IAsyncDisposable
{
    private const string InsertRecordSql = """
        INSERT INTO usage_records (dedupe_key, record_id, source, occurred_at, feature, model, input_tokens, cached_input_tokens,
                                   cache_write_tokens, output_tokens, requests, cost_nanos, cost_source, task_id)
        VALUES (@key, @recordId, @source, @occurredAt, @feature, @model, @input, @cached, @cacheWrite, @output, @requests, @cost, @costSource, @taskId)
        ON CONFLICT (dedupe_key) DO NOTHING
        """;

    private const string EnsureFeatureSql = "INSERT INTO features (name, created_at) VALUES (@name, @createdAt) ON CONFLICT (name) DO NOTHING";

    // A task id on usage means the task ran and succeeded, unless the tasks API already said otherwise.
    private const string ImplyTaskSql = """
        INSERT INTO tasks (feature, task_id, completed_at, succeeded, origin) VALUES (@feature, @taskId, @completedAt, 1, 'usage')
        ON CONFLICT (feature, task_id) DO NOTHING
        """;

    private readonly HashSet<StoredText> ensuredFeatures = [];
    private readonly Dictionary<DateOnly, string> dayTexts = [];
    private readonly List<string> newFeatures = [];

    private SqliteTransaction? transaction;
    private RawStatement? insertRecord;
    private RawStatement? ensureFeature;
    private RawStatement? implyTask;
    private RollupWriter? rollups;

    /// <summary>Features the upload created (no record, task or baseline had named them before), in order.</summary>
    public IReadOnlyList<string> NewFeatures => newFeatures;

    /// <summary>Records newly stored so far (the others were already stored: duplicates).</summary>
    public long Stored { get; private set; }

    public void Write(PreparedBatch batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        EnsureTransaction();
        EnsureFeatures(batch.Records);
        var insert = insertRecord!;
        foreach (ref readonly var pending in batch.Records)
        {
            var record = pending.Record;
            insert.Bind(1, pending.Key);
            insert.BindText(2, pending.RecordIdUtf8);
            insert.BindText(3, pending.Source);
            insert.Bind(4, pending.OccurredAt);
            insert.BindText(5, pending.Feature);
            insert.BindText(6, pending.Model);
            insert.Bind(7, record.InputTokens);
            insert.Bind(8, record.CachedInputTokens);
            insert.Bind(9, record.CacheWriteTokens);
            insert.Bind(10, record.OutputTokens);
            insert.Bind(11, record.Requests);
            insert.Bind(12, pending.CostNanos);
            insert.BindText(13, pending.CostSource);
            insert.BindText(14, pending.TaskIdUtf8);
            if (insert.Execute() == 1)
            {
                Stored++;
            }
            else
            {
                batch.RemoveDuplicate(pending);
            }
        }

        // In key order, so each upsert lands next to the last one in the rollups' table.
        foreach (var ((feature, day, model), delta) in batch.Usage.OrderBy(u => u.Key.Day).ThenBy(u => u.Key.Feature.Text, StringComparer.Ordinal).ThenBy(u => u.Key.Model.Text, StringComparer.Ordinal))
        {
            if (delta.Records > 0)
            {
                rollups!.AddUsage(feature.Text, DayText(day), model.Text, delta);
            }
        }

        ImplyTasks(batch.Tasks);
    }

    /// <summary>Commits everything written, unless a daily sum would pass its ceiling (then it throws).</summary>
    public void Commit() => rollups?.Commit();

    public async ValueTask DisposeAsync()
    {
        insertRecord?.Dispose();
        ensureFeature?.Dispose();
        implyTask?.Dispose();
        rollups?.Dispose();
        if (transaction is not null)
        {
            // Rolls back unless committed.
            await transaction.DisposeAsync();
        }

        await connection.DisposeAsync();
    }

    private void EnsureFeatures(ReadOnlySpan<PreparedUsage> batch)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (ref readonly var pending in batch)
        {
            if (ensuredFeatures.Add(pending.Feature))
            {
                ensureFeature!.BindText(1, pending.Feature);
                ensureFeature.Bind(2, now);
                if (ensureFeature.Execute() == 1)
                {
                    newFeatures.Add(pending.Feature.Text);
                }
            }
        }
    }

    private void ImplyTasks(Dictionary<(StoredText Feature, string TaskId), (long CompletedAt, DateOnly Day, byte[] TaskIdUtf8)> tasks)
    {
        var implied = new Dictionary<(StoredText Feature, DateOnly Day), long>();
        foreach (var ((feature, _), (completedAt, day, taskId)) in tasks)
        {
            implyTask!.BindText(1, feature);
            implyTask.BindText(2, taskId);
            implyTask.Bind(3, completedAt);
            if (implyTask.Execute() == 1)
            {
                var dayKey = (feature, day);
                implied[dayKey] = implied.GetValueOrDefault(dayKey) + 1;
            }
        }

        foreach (var ((feature, day), succeeded) in implied)
        {
            rollups!.AddTasks(feature.Text, DayText(day), succeeded, failed: 0);
        }
    }

    private string DayText(DateOnly day)
    {
        if (!dayTexts.TryGetValue(day, out var text))
        {
            dayTexts[day] = text = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        return text;
    }

    private void EnsureTransaction()
    {
        if (transaction is not null)
        {
            return;
        }

        // Microsoft.Data.Sqlite begins IMMEDIATE: the write lock is taken now (waiting out other writers within the
        // busy timeout) rather than failing later when a read would have to turn into a write.
        transaction = connection.BeginTransaction();
        insertRecord = new RawStatement(connection, InsertRecordSql);
        ensureFeature = new RawStatement(connection, EnsureFeatureSql);
        implyTask = new RawStatement(connection, ImplyTaskSql);
        rollups = new RollupWriter(connection, transaction);
    }
}
