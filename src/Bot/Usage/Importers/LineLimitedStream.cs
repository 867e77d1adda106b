using System.Globalization;

namespace Bot.Usage.Importers;

/// <summary>A line of an import file was longer than <see cref="LineLimitedStream.MaxLineBytes"/>.</summary>
internal sealed class LineTooLongException(long line, int limit)
    : Exception(string.Create(CultureInfo.InvariantCulture, $"line {line} is longer than {limit:#,##0} characters"))
{
    public long Line { get; } = line;
}

/// <summary>
/// Counts the bytes of each line as a file is read and stops at the first line longer than the cap, so no reader
/// (CsvHelper's row buffer, a JSONL line) ever holds more than that of one line: a file with a 300 MB line, or
/// /dev/zero, is refused after 64 KB instead of filling memory. '\n' never occurs inside a UTF-8 sequence, so the
/// byte count is a character count for ASCII and an upper bound otherwise.
/// </summary>
internal sealed class LineLimitedStream(Stream inner, int maxLineBytes = LineLimitedStream.MaxLineBytes) : Stream
{
    public const int MaxLineBytes = 64 * 1024;

    private long line = 1;
    private int lineBytes;

    /// <summary>Off for formats that are one JSON document (Usage API pages), where a long line is normal.</summary>
    public bool Enabled { get; set; } = true;

    public override bool CanRead => true;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    /// <summary>Format detection peeks at the start and seeks back; counting starts again from there.</summary>
    public override long Position
    {
        get => inner.Position;
        set
        {
            inner.Position = value;
            (line, lineBytes) = (1, 0);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override int Read(Span<byte> buffer) => Count(buffer[..inner.Read(buffer)]);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        return Count(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var position = inner.Seek(offset, origin);
        (line, lineBytes) = (1, 0);
        return position;
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(ReadOnlySpan<byte> read)
    {
        if (!Enabled)
        {
            return read.Length;
        }

        var rest = read;
        while (true)
        {
            var newline = rest.IndexOf((byte)'\n');
            var length = newline < 0 ? rest.Length : newline;
            if ((long)lineBytes + length > maxLineBytes)
            {
                throw new LineTooLongException(line, maxLineBytes);
            }

            if (newline < 0)
            {
                lineBytes += length;
                return read.Length;
            }

            line++;
            lineBytes = 0;
            rest = rest[(newline + 1)..];
        }
    }
}
