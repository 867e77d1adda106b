using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace Bot.Usage.Importers;

/// <summary>CsvHelper set up for speed over a stream the caller owns, and header lookups by column name.</summary>
internal static class CsvFiles
{
    private const int BufferSize = 1 << 16;

    /// <summary>
    /// The raw parser (no reflection, no class maps). CacheFields stays off: its cache keeps every distinct cell
    /// (each timestamp and id), which grows with the file. <paramref name="onBadData"/> hears of stray quotes, which
    /// become a line error.
    /// </summary>
    public static CsvParser OpenParser(Stream stream, char delimiter, Action<string> onBadData)
    {
        var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, BufferSize, leaveOpen: true);
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = delimiter.ToString(),
            BufferSize = BufferSize,
            IgnoreBlankLines = true,
            DetectColumnCountChanges = false,
            BadDataFound = args => onBadData(args.Field),
        };
        return new CsvParser(reader, configuration, leaveOpen: false);
    }

    /// <summary>Column name (trimmed, lower case) to index; the errors name any column given twice.</summary>
    public static Dictionary<string, int> MapHeader(string[] header, List<UsageError> errors)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var index = 0; index < header.Length; index++)
        {
            var name = header[index].Trim().TrimStart('\uFEFF').ToLowerInvariant();
            if (name.Length == 0)
            {
                continue;
            }

            if (!columns.TryAdd(name, index))
            {
                errors.Add(new UsageError(1, name, "the column appears twice in the header"));
            }
        }

        return columns;
    }

    /// <summary>The cell at <paramref name="index"/>, or null when the column is absent or the row is short.</summary>
    public static string? Cell(CsvParser parser, int index) => index >= 0 && index < parser.Count ? parser[index] : null;
}
