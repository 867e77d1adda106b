using System.CommandLine;
using Bot.Cli;
using Bot.Roi;
using Bot.Usage;

namespace Bot.Demo;

/// <summary>`demo`: loads <see cref="DemoData"/> through the same stores real usage goes through.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var demo = new Command("demo", "Load example data: the seed's three features over the six months ending last month.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        demo.SetAction(async (result, token) =>
        {
            await using var app = BotCommandLine.BuildVerbHost(BotCommandLine.HostArguments(result));
            var loaded = await DemoLoader.LoadAsync(app.Services, token);
            Console.Out.WriteLine(loaded);
            Console.Out.WriteLine("Try: dotnet run --project src/Bot -- ask roi   (or open the chat page and type roi)");
            return 0;
        });
        return demo;
    }
}

internal static class DemoLoader
{
    /// <summary>Stores the demo once: record ids dedupe usage, and task counts and baselines a user set are kept.</summary>
    public static async Task<string> LoadAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var clock = services.GetRequiredService<ReportingClock>();
        var lastMonth = clock.LastCompleteMonth;
        var months = DemoData.Months(lastMonth);

        IngestResult usage;
        await using (var ingest = await services.GetRequiredService<UsageStore>().BeginAsync(DemoData.Source, cancellationToken))
        {
            foreach (var record in DemoData.Records(lastMonth, clock.Zone))
            {
                await ingest.AddAsync(record, cancellationToken);
            }

            usage = await ingest.CommitAsync(cancellationToken);
        }

        var counts = DemoData.Features
            .SelectMany(feature => months.Select((month, i) => new TaskCountReport(feature.Name, month.Label, feature.Months[i].Tasks, 0)))
            .ToList();
        await services.GetRequiredService<TaskStore>().SaveCountsIfAbsentAsync(counts, cancellationToken);

        var baselines = services.GetRequiredService<BaselineStore>();
        var existing = await baselines.AllBaselinesAsync(cancellationToken);
        var now = clock.UtcNow;
        foreach (var feature in DemoData.Features.Where(f => !existing[f.Name].Any()))
        {
            await baselines.AddBaselineAsync(new Baseline(feature.Name, feature.Minutes, DemoData.HourlyRate, null, 0m, feature.Unit, DateTimeOffset.UnixEpoch, "demo", now), cancellationToken);
        }

        return $"Demo loaded: {DemoData.Features.Count} features, {months[0].Label} to {lastMonth.Label}; {Money.FormatCount(usage.Stored, "usage record", "usage records")} stored ({usage.Duplicates:#,##0} already there).";
    }
}
