using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bot.Usage;
using static Bot.Tests.Usage.UsageTestKit;

namespace Bot.Tests.Usage;

public sealed class UsageApiTests
{
    private const string TwoRecords = """
        [
          {"timestamp": "2026-11-10T12:00:00Z", "feature": "support-triage", "model": "gpt-4o-mini", "input_tokens": 1200, "cached_input_tokens": 1000, "output_tokens": 10, "task_id": "T-1", "record_id": "chatcmpl-1"},
          {"timestamp": "2026-11-10T12:01:00+01:00", "feature": "support-triage", "model": "gpt-4o-mini", "input_tokens": 200, "output_tokens": 10, "cost_usd": 0.5}
        ]
        """;

    [Fact]
    public async Task PostUsage_NoKey_Returns401AndStoresNothing()
    {
        using var app = new BotApplication();
        var response = await app.CreateClient().PostAsync("/api/usage", Json(TwoRecords));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(0L, Scalar<long>(app, "SELECT COUNT(*) FROM usage_records"));
    }

    [Theory]
    [InlineData("roi_not-a-real-key")]
    [InlineData("")]
    [InlineData("something-else")]
    public async Task PostUsage_WrongKey_Returns401(string key)
    {
        using var app = new BotApplication();
        await CreateKeyAsync(app);
        var response = await Client(app, key).PostAsync("/api/usage", Json(TwoRecords));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task PostUsage_RevokedKey_Returns401()
    {
        using var app = new BotApplication();
        var key = await CreateKeyAsync(app, "old");
        Assert.True(await app.Service<ApiKeyStore>().RevokeAsync("old", CancellationToken.None));

        var response = await Client(app, key).PostAsync("/api/usage", Json(TwoRecords));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task PostUsage_GoodArrayThenResent_StoresOnceAndCountsDuplicates()
    {
        using var app = new BotApplication();
        var client = Client(app, await CreateKeyAsync(app));

        var first = await client.PostAsync("/api/usage", Json(TwoRecords));
        var again = await client.PostAsync("/api/usage", Json(TwoRecords));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var firstBody = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((2, 2, 0), Counts(firstBody));
        Assert.Equal(["support-triage"], firstBody.GetProperty("new_features").EnumerateArray().Select(f => f.GetString()));
        var againBody = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((2, 0, 2), Counts(againBody));
        Assert.Empty(againBody.GetProperty("new_features").EnumerateArray());

        // input_tokens included the 1,000 cached tokens: 200 uncached + 1,000 cached + 10 output at $0.15 / $0.075 / $0.60 per M.
        var first1 = Rows<(long Input, long Cached, long Cost, string Source, string? Task)>(app, "SELECT input_tokens, cached_input_tokens, cost_nanos, cost_source, task_id FROM usage_records ORDER BY occurred_at DESC");
        Assert.Equal((200L, 1000L, 111_000L, "catalog", "T-1"), first1[0]);
        Assert.Equal((200L, 0L, 500_000_000L, "given", null), first1[1]);
        // 12:01+01:00 is stored as 11:01 UTC.
        Assert.Equal(new DateTimeOffset(2026, 11, 10, 11, 1, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), Scalar<long>(app, "SELECT MIN(occurred_at) FROM usage_records"));
        Assert.Equal(500_111_000L, Scalar<long>(app, "SELECT cost_nanos FROM usage_daily"));
    }

    [Fact]
    public async Task PostUsage_Ndjson_StoresEachLine()
    {
        using var app = new BotApplication();
        var body = """
            {"timestamp": "2026-11-10T12:00:00Z", "feature": "meeting-summary", "model": "gpt-4o", "input_tokens": 1000, "output_tokens": 100}

            {"timestamp": 1794312000, "feature": "meeting-summary", "model": "gpt-4o", "input_tokens": 1000, "output_tokens": 100, "cache_write_tokens": null}
            """;
        var response = await Client(app, await CreateKeyAsync(app)).PostAsync("/api/usage", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((2, 2, 0), Counts(await response.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Equal(2L, Scalar<long>(app, "SELECT records FROM usage_daily WHERE feature = 'meeting-summary'"));
    }

    [Fact]
    public async Task PostUsage_BadNdjsonLines_Returns400NamingEachLineAndFieldAndStoresNothing()
    {
        using var app = new BotApplication();
        var body = """
            {"timestamp": "2026-11-10T12:00:00Z", "feature": "support-triage", "model": "gpt-4o-mini", "input_tokens": 10, "output_tokens": 1}
            {"timestamp": "2026-11-10T12:00:00", "feature": "support-triage", "model": "gpt-4o-mini", "input_tokens": 10, "output_tokens": -1}
            {"timestamp": "2026-11-10T12:00:00Z", "feature": "Bad Feature!", "model": "", "input_tokens": 5, "cached_input_tokens": 9, "output_tokens": 1}
            not json
            {"timestamp": "2026-11-10T12:00:00Z", "feature": "support-triage", "model": "gpt-4o-mini", "input_tokens": 10, "output_tokens": 1, "input_token": 3}
            """;
        var response = await Client(app, await CreateKeyAsync(app)).PostAsync("/api/usage", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt64(), e.GetProperty("field").GetString())).ToList();
        Assert.Equal(
            [(2L, "timestamp"), (2L, "output_tokens"), (3L, "input_tokens"), (3L, "feature"), (3L, "model"), (4L, "(json)"), (5L, "input_token")],
            errors);
        Assert.Contains("4 of 5 records", problem.GetProperty("detail").GetString());
        Assert.Equal(0L, Scalar<long>(app, "SELECT COUNT(*) FROM usage_records"));
        Assert.Equal(0L, Scalar<long>(app, "SELECT COUNT(*) FROM usage_daily"));
    }

    [Fact]
    public async Task PostUsage_NdjsonSentAsJson_IsDetectedAndSourceSeparatesIdlessRecords()
    {
        using var app = new BotApplication();
        var client = Client(app, await CreateKeyAsync(app));
        const string line = """{"timestamp": "2026-11-10T12:00:00Z", "feature": "a", "model": "gpt-4o-mini", "input_tokens": 1, "output_tokens": 1}""";
        var body = line + "\n" + line + "\n";

        var first = await client.PostAsync("/api/usage?source=job-a", Json(body));
        var again = await client.PostAsync("/api/usage?source=job-a", Json(body));
        var otherSource = await client.PostAsync("/api/usage?source=job-b", Json(body));

        Assert.Equal((2, 2, 0), Counts(await first.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Equal((2, 0, 2), Counts(await again.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Equal((2, 2, 0), Counts(await otherSource.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Equal(["job-a", "job-a", "job-b", "job-b"], Rows<string>(app, "SELECT source FROM usage_records ORDER BY source"));
    }

    [Fact]
    public async Task PostUsage_BrokenJsonArray_Returns400WithWhereItBrokeAndStoresNothing()
    {
        using var app = new BotApplication();
        var body = """[{"timestamp": "2026-11-10T12:00:00Z", "feature": "a", "model": "gpt-4o-mini", "input_tokens": 1, "output_tokens": 1}, {"timestamp": """;
        var response = await Client(app, await CreateKeyAsync(app)).PostAsync("/api/usage", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Single();
        Assert.Equal((1L, "(json)"), (error.GetProperty("index").GetInt64(), error.GetProperty("field").GetString()));
        Assert.StartsWith("the body is not a valid JSON array", error.GetProperty("message").GetString());
        Assert.Equal(0L, Scalar<long>(app, "SELECT COUNT(*) FROM usage_records"));
    }

    [Fact]
    public async Task PostUsage_CachedMoreThanInput_Returns400OnInputTokensByIndex()
    {
        using var app = new BotApplication();
        var body = """[{"timestamp": "2026-11-10T12:00:00Z", "feature": "a", "model": "gpt-4o-mini", "input_tokens": 100, "output_tokens": 1}, {"timestamp": "2026-11-10T12:00:00Z", "feature": "a", "model": "gpt-4o-mini", "input_tokens": 100, "cached_input_tokens": 80, "cache_write_tokens": 30, "output_tokens": 1}]""";
        var response = await Client(app, await CreateKeyAsync(app)).PostAsync("/api/usage", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Single();
        Assert.Equal(1, error.GetProperty("index").GetInt64());
        Assert.Equal("input_tokens", error.GetProperty("field").GetString());
        Assert.Contains("includes them", error.GetProperty("message").GetString());
        Assert.Equal(0L, Scalar<long>(app, "SELECT COUNT(*) FROM usage_records"));
    }

    [Fact]
    public async Task PostUsage_BodyOverTheLimit_Returns413()
    {
        using var app = new BotApplication(new Dictionary<string, string?> { ["UsageApi:MaxRequestBytes"] = "2048" });
        var line = """{"timestamp": "2026-11-10T12:00:00Z", "feature": "a", "model": "gpt-4o-mini", "input_tokens": 1, "output_tokens": 1}""";
        var body = string.Join('\n', Enumerable.Repeat(line, 40));
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))); // no Content-Length check: streamed
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");

        var response = await Client(app, await CreateKeyAsync(app)).PostAsync("/api/usage", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("1,000 per request", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(0L, Scalar<long>(app, "SELECT COUNT(*) FROM usage_records"));
    }

    [Fact]
    public async Task PostTasks_SameTaskTwice_CountsOnce()
    {
        using var app = new BotApplication();
        var client = Client(app, await CreateKeyAsync(app));
        var body = """[{"feature": "invoice-extraction", "task_id": "inv-1", "completed_at": "2026-11-03T09:00:00Z", "outcome": "succeeded"}, {"feature": "invoice-extraction", "task_id": "inv-2", "completed_at": "2026-11-03T09:30:00Z", "outcome": "failed"}]""";

        var first = await client.PostAsync("/api/tasks", Json(body));
        var again = await client.PostAsync("/api/tasks", Json(body));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(2, (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stored").GetInt64());
        Assert.Equal(2, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("unchanged").GetInt64());
        Assert.Equal((1L, 1L), Rows<(long, long)>(app, "SELECT succeeded, failed FROM tasks_daily").Single());
    }

    [Fact]
    public async Task PostTasks_ReportReplacesUsageImpliedTask_MovesItInTheRollup()
    {
        using var app = new BotApplication();
        await IngestAsync(app, "tests", Record(timestamp: "2026-11-03T09:00:00Z", taskId: "T-9"));
        Assert.Equal(("2026-11-03", 1L, 0L), Rows<(string, long, long)>(app, "SELECT day, succeeded, failed FROM tasks_daily").Single());

        var body = """{"feature": "support-triage", "task_id": "T-9", "completed_at": "2026-11-04T10:00:00Z", "outcome": "failed"}""";
        var response = await Client(app, await CreateKeyAsync(app)).PostAsync("/api/tasks", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("updated").GetInt64());
        Assert.Equal([("2026-11-03", 0L, 0L), ("2026-11-04", 0L, 1L)], Rows<(string, long, long)>(app, "SELECT day, succeeded, failed FROM tasks_daily ORDER BY day"));
        Assert.Equal(("api", 0L), Rows<(string, long)>(app, "SELECT origin, succeeded FROM tasks").Single());

        // Usage that arrives later for the same task does not turn it back into a success.
        await IngestAsync(app, "tests", Record(timestamp: "2026-11-05T09:00:00Z", taskId: "T-9"));
        Assert.Equal(1L, Scalar<long>(app, "SELECT SUM(failed) FROM tasks_daily"));
        Assert.Equal(0L, Scalar<long>(app, "SELECT SUM(succeeded) FROM tasks_daily"));
    }

    [Fact]
    public async Task PostTasks_MonthCount_ReplacesTheEarlierCountAndFeedsTheReport()
    {
        using var app = new BotApplication();
        var client = Client(app, await CreateKeyAsync(app));

        await client.PostAsync("/api/tasks", Json("""[{"feature": "meeting-summary", "month": "2026-11", "succeeded": 1500, "failed": 20}]"""));
        var response = await client.PostAsync("/api/tasks", Json("""[{"feature": "meeting-summary", "month": "2026-11", "succeeded": 2000, "failed": 25}]"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((2000L, 25L), Rows<(long, long)>(app, "SELECT succeeded, failed FROM task_counts").Single());
        var data = await app.Service<Bot.Roi.RoiReader>().ReadAsync(Bot.Roi.ReportingPeriod.Month(2026, 11), TimeZoneInfo.Utc, CancellationToken.None);
        Assert.Equal(2000, data.Row("meeting-summary")!.SucceededTasks);
    }

    [Fact]
    public async Task PostTasks_BadItems_Returns400WithFieldsAndStoresNothing()
    {
        using var app = new BotApplication();
        var body = """
            [{"feature": "a", "task_id": "1", "completed_at": "2026-11-03T09:00:00Z", "outcome": "succeeded"},
             {"feature": "a", "task_id": "2", "completed_at": "2026-11-03T09:00:00Z", "outcome": "done"},
             {"feature": "a", "month": "2026-13", "succeeded": -5}]
            """;
        var response = await Client(app, await CreateKeyAsync(app)).PostAsync("/api/tasks", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("index").GetInt64(), e.GetProperty("field").GetString())).ToList();
        Assert.Equal([(1L, "outcome"), (2L, "month"), (2L, "succeeded")], errors);
        Assert.Equal(0L, Scalar<long>(app, "SELECT COUNT(*) FROM tasks"));
    }

    [Fact]
    public async Task PostTasks_NoKey_Returns401()
    {
        using var app = new BotApplication();
        var response = await app.CreateClient().PostAsync("/api/tasks", Json("[]"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static HttpClient Client(BotApplication app, string key)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + key);
        return client;
    }

    private static (long Received, long Stored, long Duplicates) Counts(JsonElement body) =>
        (body.GetProperty("received").GetInt64(), body.GetProperty("stored").GetInt64(), body.GetProperty("duplicates").GetInt64());
}
