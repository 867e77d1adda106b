using Bot.Chat;
using Bot.Roi;
using Microsoft.Extensions.Options;

namespace Bot.Digests;

/// <summary>Reads what a digest needs with <see cref="RoiReader"/> and hands it to <see cref="DigestBuilder"/>.</summary>
internal sealed class DigestComposer(RoiReader reader, ReportingClock clock, IOptions<DigestOptions> options)
{
    /// <summary>Periods read back from the digest's own: a year of months, two years of quarters.</summary>
    private const int MonthsOfHistory = 13;
    private const int QuartersOfHistory = 9;

    public async Task<Reply> ComposeAsync(DigestKind kind, ReportingPeriod period, CancellationToken cancellationToken)
    {
        var history = new List<PeriodData>();
        var read = period;
        for (var i = 0; i < (kind == DigestKind.Monthly ? MonthsOfHistory : QuartersOfHistory); i++)
        {
            history.Add(await reader.ReadAsync(read, clock.Zone, cancellationToken));
            read = read.Previous();
        }

        var months = new List<PeriodData>();
        if (kind == DigestKind.Quarterly)
        {
            foreach (var month in period.Months())
            {
                months.Add(await reader.ReadAsync(month, clock.Zone, cancellationToken));
            }
        }

        var input = new DigestInput(kind, history, months, clock.Zone, options.Value.DecliningThreshold, InProgress: period.EndDay > clock.Today);
        return DigestBuilder.Build(input);
    }
}
