using System.Text.RegularExpressions;
using Bot.Chat;

namespace Bot.Charts;

internal static partial class ChartEndpoints
{
    public static void AddCharts(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ChartOptions>().BindConfiguration(ChartOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<ChartService>();
        builder.Services.AddSingleton<ChartStore>();
        builder.Services.AddSingleton<ChartLinkSigner>();
        builder.Services.AddSingleton<IChartLinks, ChartLinks>();
        builder.Services.AddSingleton<ICommandHandler, ChartHandler>();
    }

    public static void MapCharts(this WebApplication app)
    {
        app.MapGet("/charts/{id}.png", async (string id, string? exp, string? sig, ChartLinkSigner signer, ChartStore store, TimeProvider time, HttpContext http, CancellationToken cancellationToken) =>
        {
            if (!ChartId().IsMatch(id))
            {
                return Results.NotFound();
            }

            var now = time.GetUtcNow();
            if (signer.Check(id, exp, sig, now) != ChartLinkCheck.Valid)
            {
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            }

            var png = await store.FindAsync(id, now, cancellationToken);
            if (png is null)
            {
                return Results.NotFound();
            }

            http.Response.Headers.CacheControl = "private, max-age=3600";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.File(png, "image/png");
        });
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex ChartId();
}
