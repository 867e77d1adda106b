using Bot.Usage.Importers;

namespace Bot.Tests.Usage.Importers;

public sealed class ImportFieldsTests
{
    [Theory]
    [InlineData("59200.0", 59200)]
    [InlineData("59200", 59200)]
    [InlineData(" 12 ", 12)]
    [InlineData("1e3", 1000)]
    [InlineData("0.0", 0)]
    public void TryParseCount_WholeNumbersWrittenAnyWay_ReadAsIntegers(string text, long expected)
    {
        Assert.True(ImportFields.TryParseCount(text, out var value, out _));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("10.5", "not a whole number")]
    [InlineData("-3", "negative")]
    [InlineData("ten", "not a number")]
    [InlineData("1e25", "too large")]
    public void TryParseCount_NotACount_SaysWhy(string text, string expected)
    {
        Assert.False(ImportFields.TryParseCount(text, out _, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-11-03T14:05:00Z", "2026-11-03T14:05:00Z")]
    [InlineData("2026-11-03T15:05:00+01:00", "2026-11-03T14:05:00Z")]
    [InlineData("2026-11-03T14:05:00.123Z", "2026-11-03T14:05:00.123Z")]
    [InlineData("2024-02-29T23:59:59Z", "2024-02-29T23:59:59Z")]
    [InlineData("2026-11-03 14:05:00Z", "2026-11-03T14:05:00Z")]
    public void TryParseTimestamp_Iso8601_ReturnsUtc(string text, string expected)
    {
        Assert.True(ImportFields.TryParseTimestamp(text, out var value, out _));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
        Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    [Theory]
    [InlineData("11/03/2026")]
    [InlineData("2026-13-03T00:00:00Z")]
    [InlineData("2025-02-29T00:00:00Z")]
    [InlineData("2026-11-03T24:00:00Z")]
    [InlineData("2026-11-03T14:05:60Z")]
    [InlineData("2026-1a-03T14:05:00Z")]
    [InlineData("2026-11-03")]
    [InlineData("2026-11-03 14:05:00")]
    public void TryParseTimestamp_AmbiguousOrInvalid_IsRefused(string text)
    {
        Assert.False(ImportFields.TryParseTimestamp(text, out _, out _));
    }

    [Theory]
    [InlineData("2026-11-05", "'2026-11-05' is not an ISO 8601 time such as 2026-11-05T10:00:00Z")]
    [InlineData("2026-11-05T00:00:00", "'2026-11-05T00:00:00' has no time zone: add Z (UTC) or an offset, such as 2026-11-05T10:00:00Z or 2026-11-05T11:00:00+01:00")]
    [InlineData("05/11/2026 10:00 +00:00", "'05/11/2026 10:00 +00:00' is not an ISO 8601 time such as 2026-11-05T10:00:00Z")]
    public void TryParseTimestamp_NotIsoWithZone_SaysWhatIsExpected(string text, string expected)
    {
        Assert.False(ImportFields.TryParseTimestamp(text, out _, out var problem));
        Assert.Equal(expected, problem);
    }

    [Theory]
    [InlineData("99999999999999999999", "99999999999999999999 is too large (at most 10,000,000,000)")]
    [InlineData("1e30", "1e30 is too large (at most 10,000,000,000)")]
    public void TryParseCount_HugeNumber_SaysTooLarge(string text, string expected)
    {
        Assert.False(ImportFields.TryParseCount(text, out _, out var problem));
        Assert.Equal(expected, problem);
    }

    [Fact]
    public void TryParseFeature_HugeValue_EchoesOnlyTheFirst60Characters()
    {
        Assert.False(ImportFields.TryParseFeature(new string('x', 1_000) + "!", out _, out var problem));
        Assert.StartsWith($"'{new string('x', 60)}…' is not a feature name", problem, StringComparison.Ordinal);
        Assert.True(problem.Length < 200);
    }

    [Theory]
    [InlineData("0.0125", "0.0125")]
    [InlineData("2e-05", "0.00002")]
    [InlineData("0.34090000000000000", "0.3409")]
    public void TryParseCost_ProviderNotation_IsExactDecimal(string text, string expected)
    {
        Assert.True(ImportFields.TryParseCost(text, out var value, out _));
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
    }
}
