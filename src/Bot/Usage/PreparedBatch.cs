using System.Buffers;
using System.Text;

namespace Bot.Usage;

/// <summary>A record ready to write: normalised, priced, keyed, with its day in the reporting zone and its texts in UTF-8.</summary>
internal readonly record struct PreparedUsage(
    byte[] Key,
    UsageRecord Record,
    StoredText Source,
    long OccurredAt,
    DateOnly Day,
    StoredText Feature,
    StoredText Model,
    long? CostNanos,
    StoredText CostSource,
    byte[]? RecordIdUtf8,
    byte[]? TaskIdUtf8);

/// <summary>
/// Records on their way to the writer, with what they add to the rollups and the tasks they imply, summed as they
/// are prepared (off the writer's thread). The sums assume every record is new; the writer takes a duplicate's
/// share back out. The tasks need no such care: a duplicate's task was implied when the record was first stored.
/// </summary>
internal sealed class PreparedBatch(int capacity)
{
    // Pooled: a batch's array is big enough for the large object heap, where a new one per batch (and per HTTP
    // request) kept the GC doing full collections.
    private PreparedUsage[] records = ArrayPool<PreparedUsage>.Shared.Rent(capacity);

    public int Count { get; private set; }

    public bool IsFull => Count == capacity;

    public ReadOnlySpan<PreparedUsage> Records => records.AsSpan(0, Count);

    public Dictionary<(StoredText Feature, DateOnly Day, StoredText Model), UsageDelta> Usage { get; } = [];

    /// <summary>Each task id's first call in the batch: when the task completed (and on which day), and the id in UTF-8.</summary>
    public Dictionary<(StoredText Feature, string TaskId), (long CompletedAt, DateOnly Day, byte[] TaskIdUtf8)> Tasks { get; } = [];

    public void Add(PreparedUsage prepared)
    {
        records[Count++] = prepared;
        var key = (prepared.Feature, prepared.Day, prepared.Model);
        if (!Usage.TryGetValue(key, out var delta))
        {
            Usage[key] = delta = new UsageDelta();
        }

        delta.Add(prepared.Record, prepared.CostNanos);
        if (prepared.Record.TaskId is { } taskId)
        {
            var taskKey = (prepared.Feature, taskId);
            if (!Tasks.TryGetValue(taskKey, out var first) || prepared.OccurredAt < first.CompletedAt)
            {
                Tasks[taskKey] = (prepared.OccurredAt, prepared.Day, prepared.TaskIdUtf8!);
            }
        }
    }

    /// <summary>Takes a record that turned out to be stored already back out of the sums.</summary>
    public void RemoveDuplicate(in PreparedUsage prepared) =>
        Usage[(prepared.Feature, prepared.Day, prepared.Model)].Remove(prepared.Record, prepared.CostNanos);

    /// <summary>Empties the batch for reuse (the records' references are let go).</summary>
    public void Clear()
    {
        Array.Clear(records, 0, Count);
        Count = 0;
        Usage.Clear();
        Tasks.Clear();
    }

    /// <summary>Gives the array back to the pool; the batch holds nothing after this.</summary>
    public void Release()
    {
        Clear();
        ArrayPool<PreparedUsage>.Shared.Return(records);
        records = [];
    }
}
/// <summary>A text that repeats on many records (feature, model, source), encoded to UTF-8 once. Equal by its text.</summary>
internal sealed class StoredText : IEquatable<StoredText>
{
    private readonly int hashCode;

    public StoredText(string text)
    {
        Text = text;
        Utf8 = Encoding.UTF8.GetBytes(text);
        hashCode = StringComparer.Ordinal.GetHashCode(text);
    }

    public string Text { get; }

    public byte[] Utf8 { get; }

    public bool Equals(StoredText? other) => other is not null && (ReferenceEquals(this, other) || string.Equals(Text, other.Text, StringComparison.Ordinal));

    public override bool Equals(object? obj) => Equals(obj as StoredText);

    public override int GetHashCode() => hashCode;

    public override string ToString() => Text;
}

/// <summary>One <see cref="StoredText"/> per distinct text, up to a bound (past it, equal copies are still equal).</summary>
internal sealed class StoredTexts
{
    private readonly Dictionary<string, StoredText> texts = new(StringComparer.Ordinal);

    public StoredText Get(string text)
    {
        if (!texts.TryGetValue(text, out var stored))
        {
            if (texts.Count > 10_000)
            {
                texts.Clear();
            }

            texts[text] = stored = new StoredText(text);
        }

        return stored;
    }
}
