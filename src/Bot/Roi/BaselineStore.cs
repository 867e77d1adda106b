using Bot.Data;
using Dapper;

namespace Bot.Roi;

/// <summary>Features, their human baselines and their overheads. Every change is a new row: history is kept.</summary>
internal sealed class BaselineStore(Database database)
{
    private const string EnsureFeatureSql = """
        INSERT INTO features (name, created_at) VALUES (@Name, @CreatedAt)
        ON CONFLICT (name) DO NOTHING
        """;

    public static async Task EnsureFeatureAsync(System.Data.IDbConnection connection, string feature, DateTimeOffset now, System.Data.IDbTransaction? transaction = null)
    {
        await connection.ExecuteAsync(EnsureFeatureSql, new { Name = feature, CreatedAt = now.ToUnixTimeMilliseconds() }, transaction);
    }

    private const string FeatureNamesSql = "SELECT name FROM features ORDER BY name";

    public async Task<IReadOnlyList<string>> FeatureNamesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition(FeatureNamesSql, cancellationToken: cancellationToken))).ToList();
    }

    private const string InsertBaselineSql = """
        INSERT INTO baselines (feature, minutes_milli, hourly_rate_nanos, fixed_nanos, review_minutes_milli, unit, effective_from, set_by, set_at)
        VALUES (@Feature, @MinutesMilli, @HourlyRateNanos, @FixedNanos, @ReviewMinutesMilli, @Unit, @EffectiveFrom, @SetBy, @SetAt)
        """;

    public async Task AddBaselineAsync(Baseline baseline, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await EnsureFeatureAsync(connection, baseline.Feature, baseline.SetAt, transaction);
        await connection.ExecuteAsync(new CommandDefinition(InsertBaselineSql, new
        {
            baseline.Feature,
            MinutesMilli = baseline.Minutes is { } minutes ? (long?)ToMilli(minutes) : null,
            HourlyRateNanos = baseline.HourlyRate is { } rate ? (long?)Money.ToNanos(rate) : null,
            FixedNanos = baseline.FixedAmount is { } amount ? (long?)Money.ToNanos(amount) : null,
            ReviewMinutesMilli = ToMilli(baseline.ReviewMinutes),
            baseline.Unit,
            EffectiveFrom = baseline.EffectiveFrom.ToUnixTimeMilliseconds(),
            baseline.SetBy,
            SetAt = baseline.SetAt.ToUnixTimeMilliseconds(),
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    private const string BaselinesSql = """
        SELECT feature, minutes_milli, hourly_rate_nanos, fixed_nanos, review_minutes_milli, unit, effective_from, set_by, set_at
        FROM baselines ORDER BY feature, effective_from, id
        """;

    /// <summary>Every baseline of every feature, oldest first (a small table).</summary>
    public async Task<ILookup<string, Baseline>> AllBaselinesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<BaselineRow>(new CommandDefinition(BaselinesSql, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToBaseline()).ToLookup(b => b.Feature, StringComparer.Ordinal);
    }

    private const string InsertOverheadSql = """
        INSERT INTO overheads (feature, monthly_nanos, effective_from, set_by, set_at)
        VALUES (@Feature, @MonthlyNanos, @EffectiveFrom, @SetBy, @SetAt)
        """;

    public async Task AddOverheadAsync(Overhead overhead, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await EnsureFeatureAsync(connection, overhead.Feature, overhead.SetAt, transaction);
        await connection.ExecuteAsync(new CommandDefinition(InsertOverheadSql, new
        {
            overhead.Feature,
            MonthlyNanos = Money.ToNanos(overhead.MonthlyAmount),
            EffectiveFrom = overhead.EffectiveFrom.ToUnixTimeMilliseconds(),
            overhead.SetBy,
            SetAt = overhead.SetAt.ToUnixTimeMilliseconds(),
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    private const string OverheadsSql = "SELECT feature, monthly_nanos, effective_from, set_by, set_at FROM overheads ORDER BY feature, effective_from, id";

    public async Task<ILookup<string, Overhead>> AllOverheadsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<OverheadRow>(new CommandDefinition(OverheadsSql, cancellationToken: cancellationToken));
        return rows.Select(r => new Overhead(r.feature, Money.FromNanos(r.monthly_nanos), FromMillis(r.effective_from), r.set_by, FromMillis(r.set_at)))
            .ToLookup(o => o.Feature, StringComparer.Ordinal);
    }

    private static long ToMilli(decimal minutes) => (long)decimal.Round(minutes * 1000m, 0, MidpointRounding.AwayFromZero);

    private static DateTimeOffset FromMillis(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis);

#pragma warning disable IDE1006, SA1300 // column names, as Dapper maps them
    private sealed record BaselineRow(string feature, long? minutes_milli, long? hourly_rate_nanos, long? fixed_nanos, long review_minutes_milli, string? unit, long effective_from, string set_by, long set_at)
    {
        public Baseline ToBaseline() => new(
            feature,
            minutes_milli is { } m ? m / 1000m : null,
            hourly_rate_nanos is { } r ? Money.FromNanos(r) : null,
            fixed_nanos is { } f ? Money.FromNanos(f) : null,
            review_minutes_milli / 1000m,
            unit,
            FromMillis(effective_from),
            set_by,
            FromMillis(set_at));
    }

    private sealed record OverheadRow(string feature, long monthly_nanos, long effective_from, string set_by, long set_at);
#pragma warning restore IDE1006, SA1300
}
