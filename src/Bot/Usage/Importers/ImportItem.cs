namespace Bot.Usage.Importers;

/// <summary>
/// One input record as an importer read it: either a normalised <see cref="UsageRecord"/> or the problems that
/// stopped it from being one. A struct, because a large file yields a million of them.
/// </summary>
internal readonly record struct ImportItem(long Line, UsageRecord? Record, IReadOnlyList<UsageError>? Errors)
{
    public static ImportItem Of(long line, UsageRecord record) => new(line, record, null);

    public static ImportItem Failed(long line, IReadOnlyList<UsageError> errors) => new(line, null, errors);

    public static ImportItem Failed(long line, string field, string message) => new(line, null, [new UsageError(line, field, message)]);
}
