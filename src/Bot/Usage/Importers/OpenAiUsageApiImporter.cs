using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Bot.Usage.Importers;

/// <summary>
/// Pages of OpenAI's <c>GET /v1/organization/usage/completions</c>: one page object, an array of pages, or pages
/// written one after another. Streamed with a forward-only JSON reader, so a long list of pages is never held
/// in memory whole; errors name the line where the result object starts and its JSON path.
/// </summary>
internal static class OpenAiUsageApiImporter
{
    public static async IAsyncEnumerable<ImportItem> ReadAsync(Stream stream, string feature, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var walker = new PageWalker(feature);
        var buffer = new byte[1 << 16];
        var filled = 0;
        var final = false;
        var items = new List<ImportItem>();
        while (!final && !walker.Stopped)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            final = read == 0;
            filled += read;
            var consumed = walker.Process(buffer.AsSpan(0, filled), final, items);
            foreach (var item in items)
            {
                yield return item;
            }

            items.Clear();
            Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
            filled -= consumed;
            if (filled == buffer.Length)
            {
                // One token longer than the buffer (a huge string): grow rather than fail.
                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
    }

    private enum Role
    {
        Other,
        PageList,
        Page,
        Buckets,
        Bucket,
        Results,
        Result,
    }

    private sealed class Frame(Role role, bool isArray)
    {
        public Role Role { get; } = role;

        public bool IsArray { get; } = isArray;

        public string? Property { get; set; }

        public int Index { get; set; } = -1;
    }

    private sealed class ResultBuilder(long line, string path)
    {
        public long Line { get; } = line;

        public string Path { get; } = path;

        public OpenAiUsageRow Row { get; } = new();

        public List<UsageError> Errors { get; } = [];

        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Walks the token stream one buffer at a time, knowing where it is by a stack of frames.</summary>
    private sealed class PageWalker(string feature)
    {
        private static readonly string[] RequiredFields = ["input_tokens", "output_tokens", "num_model_requests"];

        private readonly Stack<Frame> frames = new();
        private readonly List<ResultBuilder> bucketResults = [];
        private JsonReaderState state = new(new JsonReaderOptions { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip });
        private long line = 1;
        private int counted;
        private int pages;
        private bool rootIsList;
        private bool pageHasData;
        private long pageLine;
        private long? bucketStart;
        private long? bucketEnd;
        private long bucketLine;
        private UsageError? bucketProblem;
        private ResultBuilder? result;

        public bool Stopped { get; private set; }

        public int Process(ReadOnlySpan<byte> data, bool final, List<ImportItem> items)
        {
            counted = 0;
            var reader = new Utf8JsonReader(data, final, state);
            try
            {
                while (reader.Read())
                {
                    Handle(ref reader, data, items);
                }

                if (final && pages == 0 && !rootIsList)
                {
                    items.Add(ImportItem.Failed(line, "json", "no Usage API page found; expected {\"object\":\"page\",\"data\":[...]} or an array of pages"));
                    Stopped = true;
                }
            }
            catch (JsonException exception)
            {
                // The reader's own errors carry a line; ours are raised at the current token.
                var at = exception.LineNumber is { } number ? number + 1 : LineAt(data, (int)reader.TokenStartIndex);
                var message = exception.LineNumber is null ? exception.Message : $"not valid JSON: {exception.Message}";
                items.Add(ImportItem.Failed(at, "json", message));
                Stopped = true;
                return data.Length;
            }

            LineAt(data, (int)reader.BytesConsumed);
            state = reader.CurrentState;
            return (int)reader.BytesConsumed;
        }

        private long LineAt(ReadOnlySpan<byte> data, int position)
        {
            line += data[counted..position].Count((byte)'\n');
            counted = position;
            return line;
        }

        private void Handle(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, List<ImportItem> items)
        {
            var parent = frames.Count > 0 ? frames.Peek() : null;
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    parent!.Property = reader.GetString();
                    return;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    var isArray = reader.TokenType == JsonTokenType.StartArray;
                    if (parent is { IsArray: true })
                    {
                        parent.Index++;
                    }

                    var role = RoleOf(parent, isArray);
                    Enter(role, parent, LineAt(data, (int)reader.TokenStartIndex));
                    frames.Push(new Frame(role, isArray));
                    return;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    Leave(frames.Pop().Role, items);
                    return;
                default:
                    if (parent is { IsArray: true })
                    {
                        parent.Index++;
                    }

                    Value(ref reader, parent, data);
                    return;
            }
        }

        private static Role RoleOf(Frame? parent, bool isArray) => (parent?.Role, parent?.Property, isArray) switch
        {
            (null, _, true) => Role.PageList,
            (null, _, false) => Role.Page,
            (Role.PageList, _, false) => Role.Page,
            (Role.Page, "data", true) => Role.Buckets,
            (Role.Buckets, _, false) => Role.Bucket,
            (Role.Bucket, "results", true) => Role.Results,
            (Role.Results, _, false) => Role.Result,
            _ => Role.Other,
        };

        private void Enter(Role role, Frame? parent, long at)
        {
            switch (role)
            {
                case Role.PageList:
                    rootIsList = true;
                    break;
                case Role.Page:
                    pages++;
                    pageHasData = false;
                    pageLine = at;
                    break;
                case Role.Buckets:
                    pageHasData = true;
                    break;
                case Role.Bucket:
                    bucketStart = null;
                    bucketEnd = null;
                    bucketLine = at;
                    bucketProblem = null;
                    bucketResults.Clear();
                    break;
                case Role.Result:
                    result = new ResultBuilder(at, BucketPath() + $".results[{parent!.Index}].");
                    break;
            }
        }

        private void Leave(Role role, List<ImportItem> items)
        {
            switch (role)
            {
                case Role.Page when !pageHasData:
                    items.Add(ImportItem.Failed(pageLine, PagePath() + "data", "missing: not a page of /v1/organization/usage/completions"));
                    break;
                case Role.Result:
                    foreach (var missing in RequiredFields.Where(name => !result!.Seen.Contains(name)))
                    {
                        result!.Errors.Add(new UsageError(result.Line, result.Path + missing, "required field is missing"));
                    }

                    bucketResults.Add(result!);
                    result = null;
                    break;
                case Role.Bucket:
                    foreach (var builder in bucketResults)
                    {
                        items.Add(Finish(builder));
                    }

                    bucketResults.Clear();
                    break;
            }
        }

        private ImportItem Finish(ResultBuilder builder)
        {
            if (bucketProblem is not null)
            {
                builder.Errors.Add(bucketProblem);
            }
            else if (bucketStart is not { } start)
            {
                builder.Errors.Add(new UsageError(bucketLine, BucketPath() + ".start_time", "the bucket has no start_time"));
            }
            else
            {
                builder.Row.Start = DateTimeOffset.FromUnixTimeSeconds(start);
                builder.Row.EndSeconds = bucketEnd;
            }

            return builder.Errors.Count > 0
                ? ImportItem.Failed(builder.Line, builder.Errors)
                : builder.Row.ToItem(builder.Line, feature, builder.Path, "fetch the usage with group_by=model");
        }

        private void Value(ref Utf8JsonReader reader, Frame? parent, ReadOnlySpan<byte> data)
        {
            if (parent is null)
            {
                return;
            }

            if (parent.Role == Role.PageList)
            {
                throw new JsonException($"item {parent.Index} of the array is not a page object; expected [{{\"object\":\"page\",\"data\":[...]}}, ...]");
            }

            if (parent.Role == Role.Bucket && parent.Property is "start_time" or "end_time")
            {
                if (!ImportFields.TryParseUnixSeconds(Text(ref reader), out var instant, out var problem))
                {
                    bucketProblem = new UsageError(LineAt(data, (int)reader.TokenStartIndex), BucketPath() + "." + parent.Property, problem);
                    return;
                }

                if (parent.Property == "start_time")
                {
                    bucketStart = instant.ToUnixTimeSeconds();
                }
                else
                {
                    bucketEnd = instant.ToUnixTimeSeconds();
                }

                return;
            }

            if (parent.Role != Role.Result || result is null || parent.Property is not { } name)
            {
                return;
            }

            result.Seen.Add(name);
            var row = result.Row;
            var tokenType = reader.TokenType;
            string? text = tokenType == JsonTokenType.Null ? null : Text(ref reader);
            long Count()
            {
                if (tokenType is not (JsonTokenType.Number or JsonTokenType.String) || text is null)
                {
                    result.Errors.Add(new UsageError(result.Line, result.Path + name, $"must be a number, not {tokenType.ToString().ToLowerInvariant()}"));
                    return 0;
                }

                if (!ImportFields.TryParseCount(text, out var value, out var problem))
                {
                    result.Errors.Add(new UsageError(result.Line, result.Path + name, problem));
                }

                return value;
            }

            switch (name)
            {
                case "object" when text is not null && text != "organization.usage.completions.result":
                    result.Errors.Add(new UsageError(result.Line, result.Path + name, $"is {text}; only completions usage (organization.usage.completions.result) can be imported"));
                    break;
                case "input_tokens":
                    row.InputTokens = Count();
                    break;
                case "input_cached_tokens" when text is not null:
                    row.CachedTokens = Count();
                    break;
                case "input_cache_write_tokens" when text is not null:
                    row.CacheWriteTokens = Count();
                    break;
                case "input_uncached_tokens" when text is not null:
                    row.UncachedTokens = Count();
                    break;
                case "output_tokens":
                    row.OutputTokens = Count();
                    break;
                case "num_model_requests":
                    row.Requests = Count();
                    break;
                case "model":
                    row.Model = text;
                    break;
                case "project_id":
                    row.ProjectId = text;
                    break;
                case "user_id":
                    row.UserId = text;
                    break;
                case "api_key_id":
                    row.ApiKeyId = text;
                    break;
                case "batch":
                    row.Batch = text;
                    break;
                case "service_tier":
                    row.ServiceTier = text;
                    break;
            }
        }

        private static string Text(ref Utf8JsonReader reader) => reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString() ?? string.Empty,
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            // The reader runs over one contiguous buffer, so a value is never split across segments.
            _ => Encoding.UTF8.GetString(reader.ValueSpan),
        };

        private string PagePath()
        {
            if (!rootIsList && pages <= 1)
            {
                return string.Empty;
            }

            var index = rootIsList ? frames.First(frame => frame.Role == Role.PageList).Index : pages - 1;
            return $"[{index}].";
        }

        private string BucketPath()
        {
            var buckets = frames.FirstOrDefault(frame => frame.Role == Role.Buckets);
            return $"{PagePath()}data[{buckets?.Index ?? 0}]";
        }
    }
}
