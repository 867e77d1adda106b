using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Bot.Data;
using Bot.Roi;
using Bot.Usage.Prices;

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
        var writer = new UsageBatchWriter(connection, time);
        return new UsageIngest(writer, source.Trim(), prices.Snapshot(), new LocalDays(clock.Zone));
    }
}

/// <summary>
/// One upload, in two stages. The caller's thread checks, prices and keys each record; full batches go to a
/// <see cref="UsageBatchWriter"/> on a task of its own, so a big import keeps two cores busy. Everything is written
/// inside one transaction that <see cref="CommitAsync"/> makes visible at once; disposing without it rolls
/// everything back, so an upload refused for a bad record leaves nothing behind. Not thread-safe.
/// </summary>
internal sealed class UsageIngest : IAsyncDisposable
{
    public const int BatchSize = 4096;

    private readonly UsageBatchWriter writer;
    private readonly string source;
    private readonly PriceSnapshot prices;
    private readonly LocalDays days;

    // A few batches in flight: enough to keep the writer busy while this side prepares the next, little memory.
    private readonly Channel<PreparedBatch> batches = Channel.CreateBounded<PreparedBatch>(new BoundedChannelOptions(3) { SingleReader = true, SingleWriter = true });

    // Batches the writer is done with, to fill again.
    private readonly ConcurrentQueue<PreparedBatch> spareBatches = new();
    private readonly CancellationTokenSource stopWriting = new();
    private readonly StoredTexts texts = new();
    private readonly Dictionary<string, string> features = new(StringComparer.Ordinal);
    private readonly byte[] scratch = new byte[4096];

    // Contents seen once in this upload (most), and how often those seen more than once were seen. 64 bits of the
    // content hash are plenty here: a clash only numbers a record 2 instead of 1, and does so again on a re-send,
    // so deduplication stays exact; it keeps a million id-less records in about 20 MB.
    private readonly HashSet<ulong> seenOnce = [];
    private readonly Dictionary<ulong, int> seenMore = [];

    private PreparedBatch batch = new(BatchSize);
    private Task? writing;
    private long received;
    private bool finished;

    internal UsageIngest(UsageBatchWriter writer, string source, PriceSnapshot prices, LocalDays days)
    {
        this.writer = writer;
        this.source = source;
        this.prices = prices;
        this.days = days;
    }

    public long Received => received;

    /// <summary>After <see cref="CommitAsync"/>: the features this upload created, so a typo in a feature name is seen.</summary>
    public IReadOnlyList<string> NewFeatures => writer.NewFeatures;

    /// <summary>Adds one record (validated with <see cref="UsageValidation"/> first; an invalid one throws).</summary>
    public Task AddAsync(UsageRecord record, CancellationToken ct) => AddAsync(record, source, ct);

    /// <summary>Adds one record that names its own source (an HTTP record with a `source` field).</summary>
    public async Task AddAsync(UsageRecord record, string recordSource, CancellationToken ct)
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
        batch.Add(Prepare(record, recordSource.Trim()));
        if (batch.IsFull)
        {
            ct.ThrowIfCancellationRequested();
            await SendAsync(ct);
        }
    }

    /// <summary>Writes what is left, then commits the records and their rollups together.</summary>
    public async Task<IngestResult> CommitAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(finished, this);
        ct.ThrowIfCancellationRequested();
        if (writing is null)
        {
            // A small upload (one HTTP request, say) is written here: no task to start for one batch.
            writer.Write(batch);
        }
        else
        {
            await SendAsync(ct);

            // Try: the writer completes the channel itself when it fails, and its failure is what the caller must see.
            batches.Writer.TryComplete();
            await writing;
        }

        writer.Commit();
        finished = true;
        return new IngestResult(received, writer.Stored, received - writer.Stored);
    }

    public async ValueTask DisposeAsync()
    {
        finished = true;
        if (writing is not null)
        {
            // The upload was refused or cancelled: stop the writer before its transaction is rolled back.
            batches.Writer.TryComplete();
            await stopWriting.CancelAsync();
            await Task.WhenAny(writing);
        }

        stopWriting.Dispose();
        batch.Release();
        while (spareBatches.TryDequeue(out var spare) || batches.Reader.TryRead(out spare))
        {
            spare.Release();
        }

        await writer.DisposeAsync();
    }

    /// <summary>Hands the full batch to the writer, starting it with the first; a failure of the writer's surfaces here.</summary>
    private async Task SendAsync(CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return;
        }

        writing ??= Task.Run(WriteBatchesAsync, CancellationToken.None);
        try
        {
            await batches.Writer.WriteAsync(batch, ct);
        }
        catch (ChannelClosedException)
        {
            await writing;
            throw;
        }

        batch = spareBatches.TryDequeue(out var spare) ? spare : new PreparedBatch(BatchSize);
    }

    private async Task WriteBatchesAsync()
    {
        try
        {
            await foreach (var written in batches.Reader.ReadAllAsync(stopWriting.Token))
            {
                writer.Write(written);
                written.Clear();
                spareBatches.Enqueue(written);
            }
        }
        catch (Exception exception)
        {
            // Wakes the preparing side, which then rethrows this from the task.
            batches.Writer.TryComplete(exception);
            ExceptionDispatchInfo.Throw(exception);
        }
    }

    private PreparedUsage Prepare(UsageRecord record, string recordSource)
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
        var key = DedupeKey(record, recordSource, feature, record.Model.Trim(), occurredAt, givenNanos);
        return new PreparedUsage(
            key,
            record,
            texts.Get(recordSource),
            occurredAt,
            days.DateOf(occurredAt),
            texts.Get(feature),
            texts.Get(model),
            costNanos,
            texts.Get(costSource),
            record.RecordId is { } recordId ? Encoding.UTF8.GetBytes(recordId) : null,
            record.TaskId is { } taskId ? Encoding.UTF8.GetBytes(taskId) : null);
    }

    /// <summary>
    /// The record's identity: the instant (big-endian, so keys sort by time and a time-ordered upload appends to the
    /// key index instead of touching it all over), then 64 bits of a hash of what the record is. With a record id: the
    /// id and the content, so a re-sent record is stored once while two different records that share a provider's id
    /// are both kept. Without one: source, content and how many identical records came before it in this upload, so
    /// a re-sent upload is stored once and two identical lines in one file are both kept. Two different records
    /// share a key only if they share a millisecond and 64 hash bits.
    /// </summary>
    private byte[] DedupeKey(UsageRecord record, string recordSource, string feature, string model, long occurredAt, long? givenNanos)
    {
        var writer = new KeyWriter(scratch);
        writer.Byte(record.RecordId is null ? (byte)2 : (byte)1);
        writer.Text(record.RecordId ?? recordSource);
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
        if (record.RecordId is null)
        {
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

            if (occurrence > 1)
            {
                Span<byte> numbered = stackalloc byte[20];
                hash[..16].CopyTo(numbered);
                BinaryPrimitives.WriteInt32LittleEndian(numbered[16..], occurrence);
                SHA256.HashData(numbered, hash);
            }
        }

        // Timestamps are validated to lie in 2000-2099, so the instant is positive and sorts as an unsigned number.
        var key = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(key, occurredAt);
        hash[..8].CopyTo(key.AsSpan(8));
        return key;
    }

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
