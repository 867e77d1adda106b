using System.Runtime.CompilerServices;

namespace Bot.Usage.Importers;

/// <summary>
/// The generic CSV layout, streamed: header
/// <c>timestamp,feature,model,input_tokens,cached_input_tokens,cache_write_tokens,output_tokens,cost_usd,task_id,record_id</c>,
/// columns matched by name in any order. Optional columns (cached/cache-write tokens, cost, ids) may be empty or
/// left out; an unknown column is refused so a misspelt one is not silently read as zero. See <see cref="GenericRow"/>.
/// </summary>
internal static class GenericCsvImporter
{
    public static async IAsyncEnumerable<ImportItem> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? badField = null;
        using var parser = CsvFiles.OpenParser(stream, ',', field => badField ??= field);
        if (!await parser.ReadAsync())
        {
            yield return ImportItem.Failed(1, "header", $"the file is empty; the first line must be the header {string.Join(',', GenericRow.Names)}");
            yield break;
        }

        var header = parser.Record ?? [];
        var headerErrors = new List<UsageError>();
        var columns = CsvFiles.MapHeader(header, headerErrors);
        var indexes = new int[GenericRow.Names.Length];
        for (var column = 0; column < indexes.Length; column++)
        {
            indexes[column] = columns.GetValueOrDefault(GenericRow.Names[column], -1);
        }

        foreach (var required in GenericRow.Required)
        {
            if (indexes[(int)required] < 0)
            {
                headerErrors.Add(new UsageError(1, GenericRow.NameOf(required), "required column is missing from the header"));
            }
        }

        foreach (var name in columns.Keys.Where(name => !GenericRow.TryFind(name, out _)))
        {
            headerErrors.Add(new UsageError(1, name, $"unknown column; the generic CSV columns are {string.Join(',', GenericRow.Names)}"));
        }

        if (headerErrors.Count > 0)
        {
            yield return ImportItem.Failed(1, headerErrors);
            yield break;
        }

        var row = new GenericRow();
        var cells = new string?[indexes.Length];
        while (await parser.ReadAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var line = (long)parser.RawRow;
            if (parser.Count != header.Length)
            {
                yield return ImportItem.Failed(line, "row", $"has {parser.Count} fields, the header has {header.Length}");
                continue;
            }

            for (var column = 0; column < cells.Length; column++)
            {
                cells[column] = CsvFiles.Cell(parser, indexes[column]);
            }

            if (badField is not null)
            {
                yield return ImportItem.Failed(line, "row", $"a quote inside an unquoted field ({UsageValidation.Echo(badField)}); quote the whole field and double the inner quotes");
                badField = null;
                continue;
            }

            yield return row.Build(line, cells);
        }
    }
}
