using Bot.Data;
using Bot.Roi;
using Dapper;

namespace Bot.Usage.Prices;

/// <summary>What setting a price changed: records re-priced and the change in their total cost.</summary>
internal sealed record RepriceResult(long Records, decimal CostChange, long NowPriced);

/// <summary>
/// Saves a chat price override and, in the same transaction, re-prices the stored records of that model that had no
/// provider-given cost, from the override's start on, adjusting the daily rollups by the difference.
/// </summary>
internal sealed class PriceOverrideStore(Database database, PriceBook prices, ReportingClock clock)
{
    private const string InsertSql = """
        INSERT INTO price_overrides (model, input_mtok_nanos, cached_input_mtok_nanos, cache_write_mtok_nanos, output_mtok_nanos, effective_from, set_by, set_at)
        VALUES (@Model, @InputNanos, @CachedNanos, @CacheWriteNanos, @OutputNanos, @EffectiveFrom, @SetBy, @SetAt)
        """;

    // The model names as stored (any letter case), found in the small rollup table rather than by scanning records.
    private const string StoredNamesSql = "SELECT DISTINCT model FROM usage_daily WHERE lower(model) = lower(@Model)";

    private const string RecordsSql = """
        SELECT dedupe_key, feature, occurred_at, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, cost_nanos, cost_source
        FROM usage_records
        WHERE model = @Model AND occurred_at >= @From AND cost_source <> 'given'
        """;

    private const string UpdateSql = "UPDATE usage_records SET cost_nanos = @cost, cost_source = @costSource WHERE dedupe_key = @key";

    public async Task<RepriceResult> SetAsync(PriceOverride price, CancellationToken cancellationToken)
    {
        var from = price.EffectiveFrom.ToUnixTimeMilliseconds();
        var days = new LocalDays(clock.Zone);
        long repriced = 0, changeNanos = 0, nowPriced = 0;

        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            using var transaction = connection.BeginTransaction();
            connection.Execute(InsertSql, new
            {
                price.Model,
                InputNanos = Money.ToNanos(price.Prices.InputPerMillion),
                CachedNanos = price.Prices.CachedInputPerMillion is { } cached ? Money.ToNanos(cached) : (long?)null,
                CacheWriteNanos = price.Prices.CacheWritePerMillion is { } write ? Money.ToNanos(write) : (long?)null,
                OutputNanos = Money.ToNanos(price.Prices.OutputPerMillion),
                EffectiveFrom = from,
                price.SetBy,
                SetAt = price.SetAt.ToUnixTimeMilliseconds(),
            }, transaction);

            // Later overrides of the same model still win for their own periods: each record gets what is now in effect at its time.
            var snapshot = prices.Snapshot(PriceBook.ReadOverrides(connection, transaction).ToList());
            var deltas = new Dictionary<(string Feature, string Day, string Model), UsageDelta>();
            using var update = RollupWriter.Prepare(connection, transaction, UpdateSql, "@cost", "@costSource", "@key");
            foreach (var model in connection.Query<string>(StoredNamesSql, new { price.Model }, transaction).ToList())
            {
                // Streamed, updating as it goes: a row seen twice would get the same cost and be skipped, so this is safe.
                var rows = connection.Query<RecordRow>(RecordsSql, new { Model = model, From = from }, transaction, buffered: false);
                foreach (var row in rows)
                {
                    var quote = snapshot.Quote(model, DateTimeOffset.FromUnixTimeMilliseconds(row.occurred_at));
                    var priced = quote?.Prices.Cost(row.input_tokens, row.cached_input_tokens, row.cache_write_tokens, row.output_tokens);
                    if (priced > UsageValidation.MaxCost)
                    {
                        // The same limit as at ingestion; the transaction rolls back, so the price is not saved either.
                        throw new UsageRejectedException(
                            $"At this price a stored record of {row.feature} on {days.DayOf(row.occurred_at)} would cost {Money.Format(priced.Value)}, " +
                            $"more than {Money.Format(UsageValidation.MaxCost)}, the most one record may cost; the price was not saved.");
                    }

                    long? cost = priced is { } value ? Money.ToNanos(value) : null;
                    var source = quote?.CostSource ?? CostSources.Unpriced;
                    if (cost == row.cost_nanos && source == row.cost_source)
                    {
                        continue;
                    }

                    update.Parameters[0].Value = (object?)cost ?? DBNull.Value;
                    update.Parameters[1].Value = source;
                    update.Parameters[2].Value = row.dedupe_key;
                    update.ExecuteNonQuery();
                    var key = (row.feature, days.DayOf(row.occurred_at), model);
                    if (!deltas.TryGetValue(key, out var delta))
                    {
                        deltas[key] = delta = new UsageDelta();
                    }

                    delta.CostNanos += (cost ?? 0) - (row.cost_nanos ?? 0);
                    delta.UnpricedRecords += (cost is null ? 1 : 0) - (row.cost_nanos is null ? 1 : 0);
                    changeNanos += (cost ?? 0) - (row.cost_nanos ?? 0);
                    nowPriced += row.cost_nanos is null && cost is not null ? 1 : 0;
                    repriced++;
                }
            }

            using var rollups = new RollupWriter(connection, transaction);
            rollups.AddUsage(deltas);
            rollups.Commit();
        }

        await prices.ReloadAsync(cancellationToken);
        return new RepriceResult(repriced, Money.FromNanos(changeNanos), nowPriced);
    }

#pragma warning disable IDE1006, SA1300 // column names, as Dapper maps them
    private sealed record RecordRow(byte[] dedupe_key, string feature, long occurred_at, long input_tokens, long cached_input_tokens, long cache_write_tokens, long output_tokens, long? cost_nanos, string cost_source);
#pragma warning restore IDE1006, SA1300
}
