using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Bot.Usage.Importers;

/// <summary>
/// The JSONL twin of the generic CSV: one JSON object per line with the same field names and meaning
/// (<c>input_tokens</c> includes cached and cache-write tokens). Numbers may be JSON numbers or strings;
/// null or a missing field is an empty cell. Blank lines are skipped but still counted.
/// </summary>
internal static class GenericJsonlImporter
{
    public static async IAsyncEnumerable<ImportItem> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        var row = new GenericRow();
        var cells = new string?[GenericRow.Names.Length];
        long line = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            yield return Parse(line, text, row, cells);
        }
    }

    private static ImportItem Parse(long line, string text, GenericRow row, string?[] cells)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException exception)
        {
            return ImportItem.Failed(line, "json", $"not valid JSON: {exception.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return ImportItem.Failed(line, "json", "each line must be one JSON object, for example {\"timestamp\":\"2026-11-03T14:05:00Z\",\"feature\":\"meeting-summary\",...}");
            }

            Array.Clear(cells);
            List<UsageError>? errors = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!GenericRow.TryFind(property.Name, out var column))
                {
                    (errors ??= []).Add(new UsageError(line, property.Name, $"unknown field; the fields are {string.Join(", ", GenericRow.Names)}"));
                    continue;
                }

                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.Null:
                        break;
                    case JsonValueKind.String:
                        cells[(int)column] = property.Value.GetString();
                        break;
                    case JsonValueKind.Number:
                        cells[(int)column] = property.Value.GetRawText();
                        break;
                    default:
                        (errors ??= []).Add(new UsageError(line, property.Name, $"must be a string or a number, not {property.Value.ValueKind.ToString().ToLowerInvariant()}"));
                        break;
                }
            }

            var item = row.Build(line, cells);
            if (errors is null)
            {
                return item;
            }

            errors.AddRange(item.Errors ?? []);
            return ImportItem.Failed(line, errors);
        }
    }
}
