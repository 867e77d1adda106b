using Bot.Digests;
using Bot.Roi;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Bot.Tests.Digests;

public sealed class DigestScheduleTests
{
    private static DigestSchedule Schedule(string zone, FakeTimeProvider time, string? monthly = null) =>
        new(
            Options.Create(new DigestOptions { MonthlyCron = monthly ?? new DigestOptions().MonthlyCron }),
            new ReportingClock(time, Options.Create(new ReportingOptions { TimeZone = zone })));

    [Theory]
    [InlineData("UTC", "2023-10-01T09:00:00Z")]
    [InlineData("Europe/Berlin", "2023-10-01T07:00:00Z")]
    [InlineData("America/New_York", "2023-10-01T13:00:00Z")]
    public void QuarterlyCron_From20230817_NextFireIs1October0900InReportingZone(string zone, string expectedUtc)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2023, 8, 17, 12, 0, 0, TimeSpan.Zero));
        var schedule = Schedule(zone, time);

        var next = schedule.NextFireAfter(DigestKind.Quarterly, time.GetUtcNow())!.Value;

        Assert.Equal(DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), next);
        Assert.Equal(new DateTime(2023, 10, 1, 9, 0, 0), TimeZoneInfo.ConvertTime(next, schedule.Zone).DateTime);
        Assert.Equal(ReportingPeriod.Quarter(2023, 3), schedule.PeriodOf(DigestKind.Quarterly, next));
    }

    [Theory]
    [InlineData("Europe/Berlin", 2026, 3, 29, "2026-03-29T01:00:00Z")] // 02:00 -> 03:00 CEST: 02:30 fires at the gap's end
    [InlineData("America/New_York", 2026, 3, 8, "2026-03-08T07:00:00Z")] // 02:00 -> 03:00 EDT
    public void DailyTimeInSkippedHour_AcrossSpringForward_FiresOncePerDayStrictlyIncreasing(string zone, int year, int month, int day, string transitionFireUtc)
    {
        var transition = new DateOnly(year, month, day);
        var time = new FakeTimeProvider(new DateTimeOffset(transition.AddDays(-4).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        var cron = DigestSchedule.Parse("0 30 2 * * ?", TimeZoneInfo.FindSystemTimeZoneById(zone));

        var fires = DigestSchedule.FiresBetween(cron, time.GetUtcNow(), time.GetUtcNow().AddDays(8));

        Assert.Equal(8, fires.Count);
        Assert.True(fires.Zip(fires.Skip(1)).All(pair => pair.First < pair.Second), "fire times must strictly increase");
        var days = fires.Select(f => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(f, cron.TimeZone).DateTime)).ToList();
        Assert.Equal(Enumerable.Range(-4, 8).Select(transition.AddDays), days); // one fire on each local day, the transition day included
        Assert.Contains(DateTimeOffset.Parse(transitionFireUtc, System.Globalization.CultureInfo.InvariantCulture), fires);
    }

    [Theory]
    [InlineData("Europe/Berlin", "0 30 2 * * ?", 2026, 10, 25, "2026-10-25T00:30:00Z")] // 03:00 CEST -> 02:00 CET: first 02:30 only
    [InlineData("America/New_York", "0 30 1 * * ?", 2026, 11, 1, "2026-11-01T05:30:00Z")] // 02:00 EDT -> 01:00 EST
    public void DailyTimeInRepeatedHour_AcrossFallBack_FiresOnceAtFirstOccurrence(string zone, string cronText, int year, int month, int day, string expectedUtc)
    {
        var transition = new DateOnly(year, month, day);
        var time = new FakeTimeProvider(new DateTimeOffset(transition.AddDays(-2).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        var cron = DigestSchedule.Parse(cronText, TimeZoneInfo.FindSystemTimeZoneById(zone));

        var fires = DigestSchedule.FiresBetween(cron, time.GetUtcNow(), time.GetUtcNow().AddDays(5));

        Assert.True(fires.Zip(fires.Skip(1)).All(pair => pair.First < pair.Second));
        var onTransitionDay = fires.Where(f => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(f, cron.TimeZone).DateTime) == transition).ToList();
        Assert.Equal([DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture)], onTransitionDay);
        Assert.Equal(fires.Count, fires.Select(f => TimeZoneInfo.ConvertTime(f, cron.TimeZone).Date).Distinct().Count());
    }

    [Fact]
    public void MonthlyCron_AcrossYearEndAndDst_FiresFirstOfEachMonthAt0900BerlinForThePreviousMonth()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 15, 0, 0, 0, TimeSpan.Zero));
        var schedule = Schedule("Europe/Berlin", time);

        var fires = schedule.FiresBetween(DigestKind.Monthly, time.GetUtcNow(), new DateTimeOffset(2027, 4, 15, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(
            [
                new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2027, 1, 1, 8, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2027, 2, 1, 8, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2027, 3, 1, 8, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2027, 4, 1, 7, 0, 0, TimeSpan.Zero), // summer time: 09:00 CEST
            ],
            fires);
        Assert.Equal(["2026-11", "2026-12", "2027-01", "2027-02", "2027-03"], fires.Select(f => schedule.PeriodOf(DigestKind.Monthly, f).Label));
    }

    [Fact]
    public void QuarterlyFireOnNewYearsDay_PostsTheLastQuarterOfThePreviousYear()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero));
        var schedule = Schedule("America/New_York", time);

        var next = schedule.NextFireAfter(DigestKind.Quarterly, time.GetUtcNow())!.Value;

        Assert.Equal(new DateTimeOffset(2027, 1, 1, 14, 0, 0, TimeSpan.Zero), next);
        Assert.Equal("2026-Q4", schedule.PeriodOf(DigestKind.Quarterly, next).Label);
    }

    [Fact]
    public async Task RegisteredQuartzTriggers_UseTheConfiguredCronInTheReportingZone()
    {
        using var app = new BotApplication(DigestHosts.Settings(zone: "Europe/Berlin"));
        var scheduler = await app.Service<ISchedulerFactory>().GetScheduler();

        var monthly = Assert.IsAssignableFrom<ICronTrigger>(await scheduler.GetTrigger(DigestServices.MonthlyTrigger));
        var quarterly = Assert.IsAssignableFrom<ICronTrigger>(await scheduler.GetTrigger(DigestServices.QuarterlyTrigger));

        Assert.Equal(SchedulerStatus.Created, scheduler.Status); // Digests:SchedulerEnabled=false: built, not running
        Assert.Same(app.Time, scheduler.TimeProvider); // the clock comes from the container
        Assert.Equal("Europe/Berlin", monthly.TimeZone.Id);
        Assert.Equal("0 0 9 1 1,4,7,10 ?", quarterly.CronExpressionString);
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 8, 0, 0, TimeSpan.Zero), monthly.GetFireTimeAfter(app.Time.GetUtcNow()));
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 8, 0, 0, TimeSpan.Zero), quarterly.GetFireTimeAfter(app.Time.GetUtcNow()));
    }

    [Fact]
    public void BadCronInSettings_FailsValidation_NamingTheSetting()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Digests:MonthlyCron"] = "every month" })
            .Build();
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection()
            .AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(configuration);
        services.AddOptions<DigestOptions>().BindConfiguration(DigestOptions.Section).ValidateDataAnnotations();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DigestOptions>>().Value);

        Assert.Contains("Digests:MonthlyCron 'every month' is not a Quartz cron expression", error.Message);
    }
}
