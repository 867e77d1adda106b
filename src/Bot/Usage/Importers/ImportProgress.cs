using System.Globalization;

namespace Bot.Usage.Importers;

/// <summary>
/// A one-line progress report on a terminal for long imports: share of the file's bytes read and records per
/// second, rewritten at most four times a second. Silent when off (output redirected); the summary is printed anyway.
/// </summary>
internal sealed class ImportProgress(TextWriter writer, Func<long> bytesRead, long totalBytes, TimeProvider time, bool enabled)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly long started = time.GetTimestamp();
    private long lastShown = time.GetTimestamp();
    private bool shownAny;

    public void OnRecord(long records)
    {
        // Reading the clock for every record would cost more than the parsing.
        if (!enabled || (records & 1023) != 0)
        {
            return;
        }

        var now = time.GetTimestamp();
        if (time.GetElapsedTime(lastShown, now) < Interval)
        {
            return;
        }

        lastShown = now;
        shownAny = true;
        writer.Write('\r' + Line(records, time.GetElapsedTime(started, now)));
        writer.Flush();
    }

    /// <summary>Ends the progress line so the summary starts on a fresh one.</summary>
    public void Finish()
    {
        if (shownAny)
        {
            writer.WriteLine();
        }
    }

    internal string Line(long records, TimeSpan elapsed)
    {
        var percent = totalBytes > 0 ? Math.Min(100, bytesRead() * 100 / totalBytes) : 100;
        var rate = elapsed.TotalSeconds > 0 ? (long)(records / elapsed.TotalSeconds) : 0;
        return string.Create(CultureInfo.InvariantCulture, $"{percent,3}% read, {records:#,##0} records, {rate:#,##0} records/s   ");
    }
}
