using System.Text;

namespace Bot.Usage.Importers;

internal enum ImportFormat
{
    Auto,
    Csv,
    Jsonl,
    OpenAiDashboard,
    OpenAiUsageApi,
}

/// <summary>Format names as the CLI spells them, and auto-detection from the file's first bytes and name.</summary>
internal static class ImportFormats
{
    public const string Names = "auto, csv, jsonl, openai-dashboard, openai-usage-api";

    public static string NameOf(ImportFormat format) => format switch
    {
        ImportFormat.Csv => "csv",
        ImportFormat.Jsonl => "jsonl",
        ImportFormat.OpenAiDashboard => "openai-dashboard",
        ImportFormat.OpenAiUsageApi => "openai-usage-api",
        _ => "auto",
    };

    public static bool TryParse(string? text, out ImportFormat format)
    {
        format = (text ?? "auto").Trim().ToLowerInvariant() switch
        {
            "auto" => ImportFormat.Auto,
            "csv" => ImportFormat.Csv,
            "jsonl" or "ndjson" => ImportFormat.Jsonl,
            "openai-dashboard" => ImportFormat.OpenAiDashboard,
            "openai-usage-api" => ImportFormat.OpenAiUsageApi,
            _ => (ImportFormat)(-1),
        };
        return Enum.IsDefined(format);
    }

    /// <summary>True when the records of <paramref name="format"/> carry no feature, so <c>--feature</c> must give one.</summary>
    public static bool NeedsFeature(ImportFormat format) => format is ImportFormat.OpenAiDashboard or ImportFormat.OpenAiUsageApi;

    /// <summary>
    /// Reads the start of a seekable stream and rewinds it. A header naming <c>timestamp</c> and <c>feature</c> is
    /// the generic CSV, one naming <c>start_time</c> the OpenAI dashboard export; <c>[</c> is a list of Usage API
    /// pages; <c>{</c> is JSONL when the first line is a whole object with a <c>timestamp</c> (or the file is named
    /// .jsonl/.ndjson), else a Usage API page.
    /// </summary>
    public static async Task<(ImportFormat Format, string? Problem)> DetectAsync(Stream stream, string fileName, CancellationToken cancellationToken)
    {
        var start = stream.Position;
        var buffer = new byte[64 * 1024];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        stream.Position = start;

        var text = Encoding.UTF8.GetString(buffer, 0, read).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (text.Length == 0)
        {
            return (ImportFormat.Auto, $"{fileName} is empty");
        }

        var newline = text.IndexOf('\n');
        var firstLine = (newline >= 0 ? text[..newline] : text).Trim();
        if (text[0] == '[')
        {
            return (ImportFormat.OpenAiUsageApi, null);
        }

        if (text[0] == '{')
        {
            var jsonl = extension is ".jsonl" or ".ndjson"
                || (firstLine.EndsWith('}') && firstLine.Contains("\"timestamp\"", StringComparison.Ordinal));
            return (jsonl ? ImportFormat.Jsonl : ImportFormat.OpenAiUsageApi, null);
        }

        var columns = firstLine.Split(firstLine.Contains('\t') ? '\t' : ',').Select(name => name.Trim().Trim('"').ToLowerInvariant()).ToHashSet();
        if (columns.Contains("timestamp") && columns.Contains("feature"))
        {
            return (ImportFormat.Csv, null);
        }

        if (columns.Contains("start_time"))
        {
            return (ImportFormat.OpenAiDashboard, null);
        }

        var shown = firstLine.Length > 80 ? firstLine[..80] + "…" : firstLine;
        return (ImportFormat.Auto, $"cannot tell the format of {fileName} from its first line ({shown}); give --format {Names.Replace("auto, ", string.Empty, StringComparison.Ordinal)}");
    }
}
