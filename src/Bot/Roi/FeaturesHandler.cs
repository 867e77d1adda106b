using Bot.Chat;

namespace Bot.Roi;

/// <summary>`roi features`: every feature the bot knows, with its baseline and overhead.</summary>
internal sealed class FeaturesHandler(BaselineStore store, ReportingClock clock) : ICommandHandler
{
    public const string CommandName = "features";

    public string Name => CommandName;

    public IReadOnlyList<string> Usage { get; } = ["roi features"];

    public string Summary => "the features I know, with their baselines";

    public async Task<Reply> HandleAsync(CommandContext context, CommandArguments arguments, CancellationToken cancellationToken)
    {
        var names = await store.FeatureNamesAsync(cancellationToken);
        if (names.Count == 0)
        {
            return new Reply("No features yet") { Body = ["Features appear when usage arrives for them or when you set a baseline: `roi baseline meeting-summary 20m @ $50/h`."] };
        }

        var baselines = await store.AllBaselinesAsync(cancellationToken);
        var overheads = await store.AllOverheadsAsync(cancellationToken);
        var now = clock.UtcNow;
        var rows = names.Select(name =>
        {
            var baseline = Baseline.Current(baselines[name], now);
            var overhead = Overhead.Current(overheads[name], now);
            return (IReadOnlyList<string>)
            [
                name,
                baseline?.Describe() ?? "no baseline",
                baseline?.Unit ?? string.Empty,
                overhead is null ? string.Empty : $"{Money.Format(overhead.MonthlyAmount)}/month",
            ];
        }).ToList();
        return new Reply($"{names.Count} feature{(names.Count == 1 ? string.Empty : "s")}")
        {
            Tables = [new ReplyTable([new("Feature"), new("Human baseline"), new("Unit"), new("Overhead")], rows)],
        };
    }
}
