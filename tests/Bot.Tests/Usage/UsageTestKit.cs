using Bot.Data;
using Bot.Usage;
using Dapper;

namespace Bot.Tests.Usage;

/// <summary>Small builders and queries shared by the usage tests.</summary>
internal static class UsageTestKit
{
    public static UsageRecord Record(
        string timestamp = "2026-11-10T12:00:00Z",
        string feature = "support-triage",
        string model = "gpt-4o-mini",
        long input = 200,
        long cached = 0,
        long cacheWrite = 0,
        long output = 10,
        decimal? cost = null,
        string? taskId = null,
        string? recordId = null) =>
        new(DateTimeOffset.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), feature, model, input, cached, cacheWrite, output, cost, taskId, recordId);

    public static async Task<IngestResult> IngestAsync(BotApplication app, string source, params UsageRecord[] records)
    {
        await using var ingest = await app.Service<UsageStore>().BeginAsync(source, CancellationToken.None);
        foreach (var record in records)
        {
            await ingest.AddAsync(record, CancellationToken.None);
        }

        return await ingest.CommitAsync(CancellationToken.None);
    }

    public static void Execute(BotApplication app, string sql, object? parameters = null)
    {
        using var connection = app.Service<Database>().Open();
        connection.Execute(sql, parameters);
    }

    public static T Scalar<T>(BotApplication app, string sql, object? parameters = null)
    {
        using var connection = app.Service<Database>().Open();
        return connection.ExecuteScalar<T>(sql, parameters)!;
    }

    public static List<T> Rows<T>(BotApplication app, string sql, object? parameters = null)
    {
        using var connection = app.Service<Database>().Open();
        return connection.Query<T>(sql, parameters).ToList();
    }

    public static async Task<string> CreateKeyAsync(BotApplication app, string name = "tests") =>
        (await app.Service<ApiKeyStore>().CreateAsync(name, CancellationToken.None))!;
}
