using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Bot.Data;
using Bot.Roi;
using Bot.Usage.Prices;
using Microsoft.Data.Sqlite;

namespace Bot.Usage;

/// <summary>What an upload did: records received, newly stored, and already stored before (duplicates).</summary>
internal sealed record IngestResult(long Received, long Stored, long Duplicates);

/// <summary>
/// Stores usage records. Every upload (a file import or one HTTP request) is one <see cref="UsageIngest"/>:
/// all of it is stored, with its rollups, or none of it.
/// </summary>
internal sealed class UsageStore(Database database, PriceBook prices, ReportingClock clock, TimeProvider time)
{
    /// <summary>
    /// Starts an upload. <paramref name="source"/> names where the records come from (`api`, a file name, `openai-usage`):
    /// records without a record id are deduplicated by source and content.
    /// </summary>
    public async Task<UsageIngest> BeginAsync(string source, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(source.Length, UsageValidation.MaxTextLength);
        var connection = await database.OpenAsync(ct);
        using (var pragma = connection.CreateCommand())
        {
            // A big upload touches the dedupe index all over: 16 MB of page cache (default 2 MB) keeps it from spilling
            // to disk constantly, within the import's memory budget.
            pragma.CommandText = "PRAGMA cache_size = -16384";
            pragma.ExecuteNonQuery();
        }

        return new UsageIngest(connection, source.Trim(), prices.Snapshot(), new LocalDays(clock.Zone), time);
    }
}

/// <summary>
/// One upload. Records are buffered and written in batches with prepared statements, all inside one write
/// transaction that starts with the first batch. <see cref="CommitAsync"/> makes it all visible at once;
/// disposing without it rolls everything back, so an upload refused for a bad record leaves nothing behind.
/// Not thread-safe.
/// </summary>
internal sealed class UsageIngest : IAsyncDisposable
{
    public const int BatchSize = 4096;

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

    private readonly SqliteConnection connection;
    private readonly string source;
    private readonly PriceSnapshot prices;
    private readonly LocalDays days;
    private readonly TimeProvider time;
    private readonly List<Pending> buffer = new(BatchSize);
    // Contents seen once in this upload (most), and how often those seen more than once were seen. 64 bits of the
    // content hash are plenty here: a clash only numbers a record 2 instead of 1, and does so again on a re-send,
    // so deduplication stays exact; it keeps a million id-less records in about 20 MB.
    private readonly HashSet<ulong> seenOnce = [];
    private readonly Dictionary<ulong, int> seenMore = [];
    private readonly HashSet<string> ensuredFeatures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> features = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> utf8 = new(StringComparer.Ordinal);
    private readonly byte[] scratch = new byte[4096];

    private SqliteTransaction? transaction;
    private RawStatement? insertRecord;
    private SqliteCommand? ensureFeature;
    private RawStatement? implyTask;
    private RollupWriter? rollups;
    private long received;
    private long stored;
    private bool finished;

    internal UsageIngest(SqliteConnection connection, string source, PriceSnapshot prices, LocalDays days, TimeProvider time)
    {
        this.connection = connection;
        this.source = source;
        this.prices = prices;
        this.days = days;
        this.time = time;
    }

    public long Received => received;

    /// <summary>Adds one record (validated with <see cref="UsageValidation"/> first; an invalid one throws).</summary>
    public Task AddAsync(UsageRecord record, CancellationToken ct) => AddAsync(record, source, ct);

    /// <summary>Adds one record that names its own source (an HTTP record with a `source` field).</summary>
    public Task AddAsync(UsageRecord record, string recordSource, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(finished, this);
        if (string.IsNullOrWhiteSpace(recordSource) || recordSource.Length > UsageValidation.MaxTextLength)
        {
            throw new ArgumentException($"A source is 1 to {UsageValidation.MaxTextLength} characters.", nameof(recordSource));
        }

        if (!UsageValidation.IsValid(record) && UsageValidation.Validate(record, received + 1).FirstOrDefault() is { } problem)
        {
            throw new ArgumentException($"Invalid usage record: {problem}", nameof(record));
        }

        received++;
        buffer.Add(Prepare(record, recordSource));
        if (buffer.Count >= BatchSize)
        {
            ct.ThrowIfCancellationRequested();
            Flush();
        }

        return Task.CompletedTask;
    }

    /// <summary>Writes what is buffered, then commits the records and their rollups together.</summary>
    public Task<IngestResult> CommitAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(finished, this);
        ct.ThrowIfCancellationRequested();
        Flush();
        transaction?.Commit();
        finished = true;
        return Task.FromResult(new IngestResult(received, stored, received - stored));
    }

    public async ValueTask DisposeAsync()
    {
        finished = true;
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

    private Pending Prepare(UsageRecord record, string recordSource)
    {
        if (!features.TryGetValue(record.Feature, out var feature))
        {
            FeatureName.TryNormalize(record.Feature, out feature);
            features[record.Feature] = feature;
        }

        // One model, one row in reports: `GPT-4o` and `gpt-4o` are the same (price lookups ignore case too).
        var model = record.Model.Trim().ToLowerInvariant();
        var occurredAt = record.Timestamp.ToUnixTimeMilliseconds();
        long? givenNanos = record.Cost is { } cost ? Money.ToNanos(cost) : null;

        long? costNanos;
        string costSource;
        if (givenNanos is not null)
        {
            (costNanos, costSource) = (givenNanos, CostSources.Given);
        }
        else if (prices.Quote(model, record.Timestamp) is { } quote)
        {
            // Checked in decimal before it becomes nano-dollars, so an absurd count is refused rather than overflowed.
            var priced = quote.Prices.Cost(record.InputTokens, record.CachedInputTokens, record.CacheWriteTokens, record.OutputTokens);
            if (priced > UsageValidation.MaxCost)
            {
                throw new UsageRejectedException(UsageValidation.CostTooHigh(model, quote, priced, received));
            }

            (costNanos, costSource) = (Money.ToNanos(priced), quote.CostSource);
        }
        else
        {
            (costNanos, costSource) = (null, CostSources.Unpriced);
        }

        // The key keeps the model as given, so a record stored before model names were lower-cased is still
        // recognised when it is sent again.
        var key = DedupeKey(record, recordSource.Trim(), feature, record.Model.Trim(), occurredAt, givenNanos);
        return new Pending(key, record, recordSource.Trim(), occurredAt, feature, model, costNanos, costSource);
    }

    /// <summary>
    /// With a record id: the id and the content, so a re-sent record is stored once while two different records that
    /// share a provider's id are both kept. Without one: source, content and how many identical records came before
    /// it in this upload, so a re-sent upload is stored once and two identical lines in one file are both kept.
    /// </summary>
    private byte[] DedupeKey(UsageRecord record, string recordSource, string feature, string model, long occurredAt, long? givenNanos)
    {
        var writer = new KeyWriter(scratch);
        writer.Byte(record.RecordId is null ? (byte)2 : (byte)1);
        if (record.RecordId is { } recordId)
        {
            writer.Text(recordId);
        }
        else
        {
            writer.Text(recordSource);
        }

        writer.Long(occurredAt);
        writer.Text(feature);
        writer.Text(model);
        writer.Long(record.InputTokens);
        writer.Long(record.CachedInputTokens);
        writer.Long(record.CacheWriteTokens);
        writer.Long(record.OutputTokens);
        writer.Long(record.Requests);
        writer.Long(givenNanos ?? -1);
        writer.Text(record.TaskId);

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(writer.Written, hash);
        if (record.RecordId is not null)
        {
            return hash[..16].ToArray();
        }

        var content = BinaryPrimitives.ReadUInt64LittleEndian(hash);
        int occurrence;
        if (seenOnce.Add(content))
        {
            occurrence = 1;
        }
        else
        {
            occurrence = seenMore.GetValueOrDefault(content, 1) + 1;
            seenMore[content] = occurrence;
        }
        if (occurrence == 1)
        {
            return hash[..16].ToArray();
        }

        Span<byte> numbered = stackalloc byte[20];
        hash[..16].CopyTo(numbered);
        BinaryPrimitives.WriteInt32LittleEndian(numbered[16..], occurrence);
        SHA256.HashData(numbered, hash);
        return hash[..16].ToArray();
    }

    private void Flush()
    {
        if (buffer.Count == 0)
        {
            return;
        }

        EnsureTransaction();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var feature in buffer.Select(p => p.Feature).Distinct(StringComparer.Ordinal))
        {
            if (ensuredFeatures.Add(feature))
            {
                ensureFeature!.Parameters[0].Value = feature;
                ensureFeature.Parameters[1].Value = now;
                ensureFeature.ExecuteNonQuery();
            }
        }

        var usage = new Dictionary<(string Feature, string Day, string Model), UsageDelta>();
        var tasks = new Dictionary<(string Feature, string TaskId), long>();
        var insert = insertRecord!;
        foreach (var pending in buffer)
        {
            var record = pending.Record;
            insert.Bind(1, pending.Key);
            insert.Bind(2, record.RecordId);
            insert.BindText(3, Utf8(pending.Source));
            insert.Bind(4, pending.OccurredAt);
            insert.BindText(5, Utf8(pending.Feature));
            insert.BindText(6, Utf8(pending.Model));
            insert.Bind(7, record.InputTokens);
            insert.Bind(8, record.CachedInputTokens);
            insert.Bind(9, record.CacheWriteTokens);
            insert.Bind(10, record.OutputTokens);
            insert.Bind(11, record.Requests);
            insert.Bind(12, pending.CostNanos);
            insert.BindText(13, Utf8(pending.CostSource));
            insert.Bind(14, record.TaskId);
            if (insert.Execute() == 0)
            {
                continue;
            }

            stored++;
            var day = days.DayOf(pending.OccurredAt);
            var rollupKey = (pending.Feature, day, pending.Model);
            if (!usage.TryGetValue(rollupKey, out var delta))
            {
                usage[rollupKey] = delta = new UsageDelta();
            }

            delta.Records++;
            delta.InputTokens += record.InputTokens;
            delta.CachedInputTokens += record.CachedInputTokens;
            delta.CacheWriteTokens += record.CacheWriteTokens;
            delta.OutputTokens += record.OutputTokens;
            delta.CostNanos += pending.CostNanos ?? 0;
            delta.UnpricedRecords += pending.CostNanos is null ? 1 : 0;

            if (record.TaskId is { } taskId)
            {
                // The task completed with its first stored call in this batch.
                var taskKey = (pending.Feature, taskId);
                tasks[taskKey] = tasks.TryGetValue(taskKey, out var first) ? Math.Min(first, pending.OccurredAt) : pending.OccurredAt;
            }
        }

        rollups!.AddUsage(usage);
        var implied = new Dictionary<(string Feature, string Day), long>();
        foreach (var ((feature, taskId), completedAt) in tasks)
        {
            implyTask!.Bind(1, feature);
            implyTask.Bind(2, taskId);
            implyTask.Bind(3, completedAt);
            if (implyTask.Execute() == 1)
            {
                var dayKey = (feature, days.DayOf(completedAt));
                implied[dayKey] = implied.GetValueOrDefault(dayKey) + 1;
            }
        }

        foreach (var ((feature, day), succeeded) in implied)
        {
            rollups.AddTasks(feature, day, succeeded, failed: 0);
        }

        buffer.Clear();
    }

    /// <summary>Features, models and sources repeat on every record: encode each once.</summary>
    private byte[] Utf8(string text)
    {
        if (!utf8.TryGetValue(text, out var bytes))
        {
            if (utf8.Count > 10_000)
            {
                utf8.Clear();
            }

            utf8[text] = bytes = Encoding.UTF8.GetBytes(text);
        }

        return bytes;
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
        ensureFeature = RollupWriter.Prepare(connection, transaction, EnsureFeatureSql, "@name", "@createdAt");
        implyTask = new RawStatement(connection, ImplyTaskSql);
        rollups = new RollupWriter(connection, transaction);
    }

    private readonly record struct Pending(byte[] Key, UsageRecord Record, string Source, long OccurredAt, string Feature, string Model, long? CostNanos, string CostSource);

    /// <summary>Length-prefixed fields, so ("ab","c") and ("a","bc") never hash alike.</summary>
    private ref struct KeyWriter(byte[] buffer)
    {
        private int length;

        public readonly ReadOnlySpan<byte> Written => buffer.AsSpan(0, length);

        public void Byte(byte value) => buffer[length++] = value;

        public void Long(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(length), value);
            length += 8;
        }

        public void Text(string? value)
        {
            if (value is null)
            {
                Long(-1);
                return;
            }

            var count = Encoding.UTF8.GetBytes(value, buffer.AsSpan(length + 8));
            Long(count);
            length += count;
        }
    }
}
