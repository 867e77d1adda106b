using Bot.Charts;
using Bot.Chat;
using Bot.Roi;
using Microsoft.Extensions.Options;

namespace Bot.Digests;

/// <summary>
/// Reads what a digest needs with <see cref="RoiReader"/>, hands it to <see cref="DigestBuilder"/>, and attaches the
/// charts of the features the digest flags.
/// </summary>
internal sealed class DigestComposer(RoiReader reader, ReportingClock clock, ChartService charts, IOptions<DigestOptions> options)
{
    /// <summary>Periods read back from the digest's own: a year of months, two years of quarters.</summary>
    private const int MonthsOfHistory = 13;
    private const int QuartersOfHistory = 9;

    /// <summary>Pictures per digest: enough to see the trouble, few enough that a channel is not flooded.</summary>
    public const int MaxCharts = 3;

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
        return await WithChartsAsync(DigestBuilder.Build(input), DigestBuilder.FlaggedFeatures(input), period, cancellationToken);
    }

    /// <summary>
    /// The 12-month chart of each flagged feature, up to <see cref="MaxCharts"/>, ending with the period's last month
    /// begun. A chart is an extra: one that cannot be drawn (too little history, or an error, which is logged) is left
    /// out and the next flagged feature is tried; the digest goes out either way.
    /// </summary>
    private async Task<Reply> WithChartsAsync(Reply digest, IReadOnlyList<string> flagged, ReportingPeriod period, CancellationToken cancellationToken)
    {
        var lastMonth = period.Months().Last(month => month.FirstDay <= clock.Today);
        var drawn = new List<(string Feature, ReplyChart Chart)>();
        var tried = 0;
        while (tried < flagged.Count && drawn.Count < MaxCharts)
        {
            if (await charts.FeatureChartOrNullAsync(flagged[tried], lastMonth, cancellationToken) is { } chart)
            {
                drawn.Add((flagged[tried], chart));
            }

            tried++;
        }

        if (drawn.Count == 0)
        {
            return digest;
        }

        var shown = string.Join(", ", drawn.Select(d => d.Feature));
        var untried = flagged.Skip(tried).ToList();
        var line = untried.Count == 0
            ? $"Charts below: {shown}, the 12 months to {lastMonth.Label}."
            : $"Charts below: {shown}, the 12 months to {lastMonth.Label}; and {untried.Count} more flagged ({string.Join(", ", untried)}): `roi chart <feature>` draws one.";
        return digest with { Body = [.. digest.Body, line], Charts = [.. drawn.Select(d => d.Chart)] };
    }
}
