using System.ComponentModel.DataAnnotations;
using Bot.Roi;
using Bot.Usage.Prices;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Bot.Usage;

internal sealed class UsageApiOptions
{
    public const string Section = "UsageApi";

    /// <summary>The largest request body POST /api/usage and /api/tasks accept (default 16 MiB, about 80,000 records).</summary>
    [Range(1024, 1L << 30)]
    public long MaxRequestBytes { get; set; } = 16L * 1024 * 1024;
}

/// <summary>POST /api/usage and POST /api/tasks: API-key authenticated, all-or-nothing uploads.</summary>
internal static class UsageEndpoints
{
    public const string DefaultSource = "api";
    public const int MaxListedErrors = 1000;
    private const int BusyErrorCode = 5; // SQLITE_BUSY

    public static void AddUsage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PriceOptions>().BindConfiguration(PriceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<UsageApiOptions>().BindConfiguration(UsageApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(_ => PriceCatalog.LoadEmbedded());
        builder.Services.AddSingleton<PriceBook>();
        builder.Services.AddSingleton<IModelPriceInfo>(services => services.GetRequiredService<PriceBook>());
        builder.Services.AddSingleton<PriceOverrideStore>();
        builder.Services.AddSingleton<Chat.ICommandHandler, PriceHandler>();
        builder.Services.AddSingleton<UsageStore>();
        builder.Services.AddSingleton<TaskStore>();
        builder.Services.AddSingleton<RollupZone>();
        builder.Services.AddSingleton<ApiKeyStore>();
    }

    public static void MapUsage(this WebApplication app)
    {
        app.MapPost("/api/usage", PostUsageAsync);
        app.MapPost("/api/tasks", PostTasksAsync);
    }

    private static async Task<IResult> PostUsageAsync(HttpContext http, ApiKeyStore keys, UsageStore store, PriceBook prices, IOptions<UsageApiOptions> options, CancellationToken cancellationToken)
    {
        if (await keys.AuthenticateAsync(BearerToken(http), cancellationToken) is null)
        {
            return Unauthorized(http);
        }

        var source = http.Request.Query["source"].ToString().Trim();
        if (source.Length == 0)
        {
            source = DefaultSource;
        }
        else if (source.Length > UsageValidation.MaxTextLength)
        {
            return Results.Problem(statusCode: 400, title: "Bad source", detail: $"The source query parameter is 1 to {UsageValidation.MaxTextLength} characters.");
        }

        var records = new List<(UsageRecord Record, string? Source)>();
        var snapshot = prices.Snapshot();
        var outcome = await ReadItemsAsync(http, options.Value.MaxRequestBytes, (item, error, errors) =>
        {
            if (UsageApiRecords.ReadUsage(item, error, errors) is { } record)
            {
                // A cost computed from absurd token counts is refused here, with its item, like any other bad field.
                if (UsageValidation.PricedCostError(record.Record, snapshot, 0) is { } tooMuch)
                {
                    errors.Add(error(tooMuch.Field, tooMuch.Message));
                    return;
                }

                records.Add(record);
            }
        }, cancellationToken);
        if (outcome is not null)
        {
            return outcome;
        }

        try
        {
            await using var ingest = await store.BeginAsync(source, cancellationToken);
            foreach (var (record, recordSource) in records)
            {
                await ingest.AddAsync(record, recordSource ?? source, cancellationToken);
            }

            var result = await ingest.CommitAsync(cancellationToken);
            return Results.Ok(new { received = result.Received, stored = result.Stored, duplicates = result.Duplicates, new_features = ingest.NewFeatures });
        }
        catch (SqliteException e) when (e.SqliteErrorCode == BusyErrorCode)
        {
            return Busy(http);
        }
        catch (UsageRejectedException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid records: nothing was stored", detail: e.Message);
        }
    }

    private static async Task<IResult> PostTasksAsync(HttpContext http, ApiKeyStore keys, TaskStore store, IOptions<UsageApiOptions> options, CancellationToken cancellationToken)
    {
        if (await keys.AuthenticateAsync(BearerToken(http), cancellationToken) is null)
        {
            return Unauthorized(http);
        }

        var tasks = new List<TaskReport>();
        var counts = new List<TaskCountReport>();
        var outcome = await ReadItemsAsync(http, options.Value.MaxRequestBytes, (item, error, errors) =>
        {
            switch (UsageApiRecords.ReadTask(item, error, errors))
            {
                case TaskReport task:
                    tasks.Add(task);
                    break;
                case TaskCountReport count:
                    counts.Add(count);
                    break;
            }
        }, cancellationToken);
        if (outcome is not null)
        {
            return outcome;
        }

        TaskSaveResult result;
        try
        {
            result = await store.SaveAsync(tasks, counts, cancellationToken);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == BusyErrorCode)
        {
            return Busy(http);
        }

        return Results.Ok(new { received = result.Received + result.Counts, stored = result.Stored, updated = result.Updated, unchanged = result.Unchanged, counts = result.Counts });
    }

    /// <summary>
    /// Streams the body through <paramref name="read"/>, one item at a time. Returns the error answer (400 naming every
    /// bad item and field, or 413), or null when every item was good.
    /// </summary>
    private static async Task<IResult?> ReadItemsAsync(
        HttpContext http,
        long maxBytes,
        Action<System.Text.Json.JsonElement, Func<string, string, ApiItemError>, List<ApiItemError>> read,
        CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength > maxBytes)
        {
            return TooLarge(maxBytes);
        }

        // This endpoint enforces its own limit (below) so that the answer is the same behind any server.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        var errors = new List<ApiItemError>();
        long items = 0;
        try
        {
            var limited = new LimitedStream(http.Request.Body, maxBytes);
            var (body, isArray) = await JsonItems.DetectAsync(limited, JsonItems.IsNdjsonContentType(http.Request.ContentType), cancellationToken);
            await foreach (var item in JsonItems.ReadAsync(body, isArray, cancellationToken))
            {
                items++;
                Func<string, string, ApiItemError> error = isArray
                    ? (field, message) => new ApiItemError(item.Position, null, field, message)
                    : (field, message) => new ApiItemError(null, item.Position, field, message);
                if (item.Syntax is not null)
                {
                    errors.Add(error("(json)", item.Syntax));
                    continue;
                }

                read(item.Element, error, errors);
            }
        }
        catch (PayloadTooLargeException)
        {
            return TooLarge(maxBytes);
        }

        if (errors.Count == 0)
        {
            return null;
        }

        var bad = errors.Select(e => e.Index ?? e.Line).Distinct().Count();
        var listed = errors.Take(MaxListedErrors).Select(e => e.Index is { } index
            ? (object)new { index, field = e.Field, message = e.Message }
            : new { line = e.Line, field = e.Field, message = e.Message }).ToList();
        var more = errors.Count > MaxListedErrors ? $" The first {MaxListedErrors} of {errors.Count} problems are listed." : string.Empty;
        return Results.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid records: nothing was stored",
            detail: $"{bad} of {items} records have problems; fix them and send the whole upload again.{more}",
            extensions: new Dictionary<string, object?> { ["errors"] = listed });
    }

    private static string? BearerToken(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
    }

    private static IResult Unauthorized(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Missing or wrong API key",
            detail: "Send 'Authorization: Bearer <key>' with a key made by `dotnet run --project src/Bot -- keys create <name>`.");
    }

    /// <summary>
    /// Another upload held the write lock for longer than the busy timeout (a very large file import). Nothing was
    /// stored; the caller can send the same request again.
    /// </summary>
    private static IResult Busy(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "30";
        return Results.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Busy storing another upload",
            detail: "A large import is being written. Nothing from this request was stored; send it again in a little while.");
    }

    private static IResult TooLarge(long maxBytes) => Results.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request too large",
        detail: $"A request body may be at most {maxBytes:#,##0} bytes (UsageApi:MaxRequestBytes). Send the records in smaller batches, for example 1,000 per request.");
}
