using Bot.Roi;

namespace Bot.Tests.Roi;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("0.0000315", "$0.000032")]
    [InlineData("0.00003", "$0.00003")]
    [InlineData("0.008", "$0.008")]
    [InlineData("0.05", "$0.05")]
    [InlineData("16.666666", "$16.67")]
    [InlineData("83331.8333", "$83,331.83")]
    [InlineData("0", "$0.00")]
    [InlineData("-12.5", "-$12.50")]
    [InlineData("0.0049999", "$0.005")]
    [InlineData("0.025", "$0.025")]
    [InlineData("0.158", "$0.16")]
    [InlineData("0.995", "$1.00")]
    [InlineData("0.5", "$0.50")]
    public void Format_KeepsSmallCostsVisible(string value, string expected) =>
        Assert.Equal(expected, Money.Format(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("55555.5", "55,556x")]
    [InlineData("66.6666", "66.7x")]
    [InlineData("1.254", "1.25x")]
    [InlineData("0.5", "0.50x")]
    public void FormatMultiple_RoundsByMagnitude(string value, string expected) =>
        Assert.Equal(expected, Money.FormatMultiple(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Nanos_RoundTripExactly()
    {
        Assert.Equal(1_500_000_000L, Money.ToNanos(1.50m));
        Assert.Equal(32L, Money.ToNanos(0.0000000315m));
        Assert.Equal(0.000000032m, Money.FromNanos(32));
    }
}
