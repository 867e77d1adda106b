namespace Bot.Usage;

/// <summary>
/// One usage record, normalised once at ingestion so no token is priced twice or dropped:
/// <see cref="InputTokens"/> is uncached input only (cache reads and cache writes are separate),
/// <see cref="OutputTokens"/> includes reasoning tokens. <see cref="Cost"/> is the provider's own figure when
/// the source has one; otherwise the store prices the tokens from the catalog at <see cref="Timestamp"/>.
/// </summary>
internal sealed record UsageRecord(
    DateTimeOffset Timestamp,
    string Feature,
    string Model,
    long InputTokens,
    long CachedInputTokens,
    long CacheWriteTokens,
    long OutputTokens,
    decimal? Cost,
    string? TaskId,
    string? RecordId,
    long Requests = 1);

/// <summary>A problem with one input record: which line (1-based, as an editor shows it) and which field.</summary>
internal sealed record UsageError(long Line, string Field, string Message)
{
    public override string ToString() => $"line {Line}, {Field}: {Message}";
}
