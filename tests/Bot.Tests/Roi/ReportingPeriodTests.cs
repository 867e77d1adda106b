using Bot.Roi;

namespace Bot.Tests.Roi;

public sealed class ReportingPeriodTests
{
    private static readonly DateOnly Today = new(2026, 12, 3);

    [Theory]
    [InlineData("2026-11", "2026-11")]
    [InlineData("2026-q3", "2026-Q3")]
    [InlineData("2026-Q3", "2026-Q3")]
    [InlineData("this-month", "2026-12")]
    [InlineData("LAST-MONTH", "2026-11")]
    [InlineData("last-quarter", "2026-Q3")]
    [InlineData("this-quarter", "2026-Q4")]
    public void TryParse_KnownForms(string text, string label)
    {
        Assert.True(ReportingPeriod.TryParse(text, Today, out var period));
        Assert.Equal(label, period.Label);
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-Q5")]
    [InlineData("2026-00")]
    [InlineData("next-month")]
    [InlineData("november")]
    public void TryParse_UnknownForms_Refused(string text) => Assert.False(ReportingPeriod.TryParse(text, Today, out _));

    [Fact]
    public void LastMonth_InJanuary_IsDecemberOfPreviousYear()
    {
        Assert.True(ReportingPeriod.TryParse("last-month", new DateOnly(2027, 1, 5), out var period));
        Assert.Equal("2026-12", period.Label);
        Assert.Equal("2026-Q4", ReportingPeriod.QuarterOf(new DateOnly(2027, 1, 5)).Previous().Label);
    }

    [Fact]
    public void Quarter_IsThreeMonths()
    {
        var q = ReportingPeriod.Quarter(2026, 3);
        Assert.Equal(["2026-07", "2026-08", "2026-09"], q.Months().Select(m => m.Label));
        Assert.Equal(new DateOnly(2026, 10, 1), q.EndDay);
    }

    [Fact]
    public void StartUtc_InUtcPlus8_IsPreviousDayAt16()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        Assert.Equal(new DateTimeOffset(2025, 1, 31, 16, 0, 0, TimeSpan.Zero), ReportingPeriod.Month(2025, 2).StartUtc(shanghai));
    }

    [Fact]
    public void StartUtc_InBerlinSummer_HonoursDst()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        Assert.Equal(new DateTimeOffset(2026, 6, 30, 22, 0, 0, TimeSpan.Zero), ReportingPeriod.Month(2026, 7).StartUtc(berlin));
    }
}
