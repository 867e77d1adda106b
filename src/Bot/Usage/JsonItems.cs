using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Bot.Usage;

/// <summary>
/// One object of a JSON array or one NDJSON line; <see cref="Syntax"/> is set when it was not valid JSON.
/// <see cref="Element"/> is valid only until the next item is read.
/// </summary>
internal sealed record JsonItem(long Position, JsonElement Element, string? Syntax);

/// <summary>The body was larger than allowed.</summary>
internal sealed class PayloadTooLargeException(long limit) : Exception($"The body is larger than {limit} bytes.")
{
    public long Limit { get; } = limit;
}

/// <summary>
/// Reads a request body of records as it arrives: a JSON array (positions are 0-based indexes) or NDJSON, one object
/// per line (positions are 1-based line numbers). NDJSON is used when the content type says so or the body does not
/// start with '['.
/// </summary>
internal static partial class JsonItems
{
    public const int MaxLineBytes = 64 * 1024;

    public static bool IsNdjsonContentType(string? contentType) =>
        contentType is not null && (contentType.Contains("ndjson", StringComparison.OrdinalIgnoreCase) || contentType.Contains("jsonl", StringComparison.OrdinalIgnoreCase) || contentType.Contains("json-seq", StringComparison.OrdinalIgnoreCase));

    /// <summary>Looks at the first non-blank byte; returns the stream to read from (nothing is lost) and whether it is an array.</summary>
    public static async Task<(Stream Body, bool IsArray)> DetectAsync(Stream body, bool ndjson, CancellationToken cancellationToken)
    {
        var head = new byte[256];
        var count = 0;
        while (true)
        {
            if (count == head.Length)
            {
                Array.Resize(ref head, head.Length * 2);
            }

            var read = await body.ReadAsync(head.AsMemory(count), cancellationToken);
            if (read == 0)
            {
                break;
            }

            var start = count;
            count += read;
            var first = Array.FindIndex(head, start, read, b => !IsBlank(b));
            if (first >= 0)
            {
                var isArray = !ndjson && head[first] == (byte)'[';
                return (new PrefixedStream(head.AsMemory(0, count), body), isArray);
            }

            if (count > MaxLineBytes)
            {
                break;
            }
        }

        return (new PrefixedStream(head.AsMemory(0, count), body), false);
    }

    public static async IAsyncEnumerable<JsonItem> ReadAsync(Stream body, bool isArray, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (isArray)
        {
            var index = 0L;
            var options = new JsonSerializerOptions { MaxDepth = 16 };
            await using var items = JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(body, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                string? syntax = null;
                try
                {
                    if (!await items.MoveNextAsync())
                    {
                        yield break;
                    }
                }
                catch (JsonException e)
                {
                    syntax = $"the body is not a valid JSON array (near line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1})";
                }

                if (syntax is not null)
                {
                    yield return new JsonItem(index, default, syntax);
                    yield break;
                }

                yield return new JsonItem(index++, items.Current, null);
            }
        }

        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 16 * 1024, leaveOpen: true);
        var line = 0L;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            if (text.Length > MaxLineBytes)
            {
                yield return new JsonItem(line, default, $"the line is longer than {MaxLineBytes} characters");
                continue;
            }

            JsonDocument? document = null;
            string? syntax = null;
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException e)
            {
                syntax = $"not valid JSON (at character {(e.BytePositionInLine ?? 0) + 1})";
            }

            // The element is read before the next item is asked for, so the document can go back to the pool then.
            using (document)
            {
                yield return new JsonItem(line, document?.RootElement ?? default, syntax);
            }
        }
    }

    private static bool IsBlank(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF;

    /// <summary>An instant with an explicit zone (Z or ±hh:mm), or Unix seconds; a zone-less time would depend on the sender's machine.</summary>
    public static bool TryInstant(JsonElement value, out DateTimeOffset instant, out string problem)
    {
        instant = default;
        problem = string.Empty;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds))
        {
            if (seconds is < 946_684_800 or >= 4_102_444_800)
            {
                problem = $"{seconds} is not Unix seconds between 2000 and 2099.";
                return false;
            }

            instant = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problem = "must be an ISO 8601 time with a zone, like \"2026-11-05T14:03:00Z\", or Unix seconds.";
            return false;
        }

        var text = value.GetString()!.Trim();
        return TryIsoInstant(text, out instant, out problem);
    }

    /// <summary>
    /// ISO 8601 / RFC 3339 with a date, a time and an explicit zone (Z or ±hh:mm), read exactly: no month/day guessing,
    /// no date without a time. The one rule for POST /api/usage, /api/tasks and the generic import formats.
    /// </summary>
    public static bool TryIsoInstant(string text, out DateTimeOffset instant, out string problem)
    {
        instant = default;
        problem = string.Empty;
        text = text.Trim();
        if (!IsoShape().IsMatch(text))
        {
            problem = $"'{UsageValidation.Echo(text)}' is not an ISO 8601 time such as 2026-11-05T10:00:00Z.";
            return false;
        }

        if (!ZoneSuffix().IsMatch(text))
        {
            problem = $"'{UsageValidation.Echo(text)}' has no time zone: add Z (UTC) or an offset, such as 2026-11-05T10:00:00Z or 2026-11-05T11:00:00+01:00.";
            return false;
        }

        if (!DateTimeOffset.TryParseExact(text, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out instant))
        {
            problem = $"'{UsageValidation.Echo(text)}' is not an ISO 8601 time such as 2026-11-05T10:00:00Z.";
            return false;
        }

        instant = instant.ToUniversalTime();
        return true;
    }

    /// <summary>A whole number (10 or 10.0 or "10"), for counts.</summary>
    public static bool TryCount(JsonElement value, out long count)
    {
        count = 0;
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (value.TryGetInt64(out count))
            {
                return true;
            }

            return value.TryGetDecimal(out var number) && number == decimal.Truncate(number) && number is >= long.MinValue and <= long.MaxValue && Set(out count, (long)number);
        }

        return value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out count);
    }

    /// <summary>A dollar amount as a JSON number or a numeric string, kept exact.</summary>
    public static bool TryAmount(JsonElement value, out decimal amount)
    {
        amount = 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetDecimal(out amount),
            JsonValueKind.String => decimal.TryParse(value.GetString(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out amount),
            _ => false,
        };
    }

    /// <summary>An id: a string, or a whole number written as one.</summary>
    public static bool TryId(JsonElement value, out string? id)
    {
        id = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number when value.TryGetInt64(out var number) => number.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
        return id is not null;
    }

    private static bool Set(out long target, long value)
    {
        target = value;
        return true;
    }

    // K reads Z or ±hh:mm; the zone's presence is checked first, since K also accepts none.
    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mmK",
    ];

    [GeneratedRegex(@"(?:Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex ZoneSuffix();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")]
    private static partial Regex IsoShape();

    /// <summary>Replays the bytes read to detect the format, then the rest of the body.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
    {
        private ReadOnlyMemory<byte> remaining = prefix;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (remaining.Length > 0)
            {
                var count = Math.Min(buffer.Length, remaining.Length);
                remaining[..count].CopyTo(buffer);
                remaining = remaining[count..];
                return count;
            }

            return await rest.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>Counts bytes as they are read and stops at the limit, whatever the server in front allows.</summary>
internal sealed class LimitedStream(Stream inner, long limit) : Stream
{
    private long total;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Count(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        total += read;
        if (total > limit)
        {
            throw new PayloadTooLargeException(limit);
        }

        return read;
    }
}
