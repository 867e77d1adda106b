using Bot.Chat;
using Bot.Roi;

namespace Bot.Digests;

/// <summary>`roi digest [monthly|quarterly] [period]`: the digest as it would be posted, here and now.</summary>
internal sealed class DigestHandler(DigestComposer composer, ReportingClock clock) : ICommandHandler
{
    public const string CommandName = "digest";

    public string Name => CommandName;

    public IReadOnlyList<string> Usage { get; } = ["roi digest [monthly|quarterly] [period]"];

    public string Summary => "preview the monthly (or quarterly) digest for the last complete period, or the one given";

    public async Task<Reply> HandleAsync(CommandContext context, CommandArguments arguments, CancellationToken cancellationToken)
    {
        if (arguments.Count > 2)
        {
            return WrongForm($"'{arguments.Text}' has more than a kind and a period.");
        }

        DigestKind? kind = null;
        var rest = arguments;
        if (rest.Count > 0 && DigestKinds.TryParse(rest[0], out var named))
        {
            kind = named;
            rest = rest.Skip(1);
        }

        ReportingPeriod? period = null;
        if (rest.Count == 1)
        {
            if (!ReportingPeriod.TryParse(rest[0], clock.Today, out var parsed))
            {
                return WrongForm($"{ReportingPeriod.Problem(rest[0])} Periods: {ReportingPeriod.Forms}.");
            }

            period = parsed;
        }
        else if (rest.Count > 1)
        {
            return WrongForm($"'{arguments.Text}' is not a digest I know.");
        }

        var digestKind = kind ?? (period is { } p ? DigestKinds.ForPeriod(p) : DigestKind.Monthly);
        var digestPeriod = period ?? digestKind.CompletePeriodBefore(clock.Today);
        if (digestPeriod.Kind != digestKind.PeriodKind())
        {
            return WrongForm(digestKind == DigestKind.Monthly
                ? $"A monthly digest covers a month, like {clock.LastCompleteMonth.Label}; {digestPeriod.Label} is a quarter."
                : $"A quarterly digest covers a quarter, like {DigestKind.Quarterly.CompletePeriodBefore(clock.Today).Label}; {digestPeriod.Label} is a month.");
        }

        if (digestPeriod.FirstDay > clock.Today)
        {
            return WrongForm($"{digestPeriod.DisplayName} has not started yet.");
        }

        return await composer.ComposeAsync(digestKind, digestPeriod, cancellationToken);
    }

    private Reply WrongForm(string problem) =>
        Reply.Error(problem, "Forms: `roi digest`, `roi digest monthly [2026-11]`, `roi digest quarterly [2026-Q3]`, `roi digest 2026-11`.");
}
