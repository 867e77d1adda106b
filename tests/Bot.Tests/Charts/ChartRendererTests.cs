using Bot.Charts;
using Bot.Roi;
using SkiaSharp;

namespace Bot.Tests.Charts;

public sealed class ChartRendererTests
{
    [Fact]
    public void FeatureTrendPng_DemoLikeData_IsChatSizedAndDrawsEverySeries()
    {
        var png = ChartRenderer.FeatureTrendPng(ChartSamples.MeetingSummary());

        using var bitmap = Decode(png);
        Assert.Equal((800, 450), (bitmap.Width, bitmap.Height));
        var colors = SampledColors(bitmap);
        Assert.True(colors.Count > 20, $"only {colors.Count} distinct colours: the image looks blank");
        Assert.Contains(Hex(ChartRenderer.Blue), colors);
        Assert.Contains(Hex(ChartRenderer.Vermillion), colors);
        Assert.Contains(Hex(ChartRenderer.BluishGreen), colors);
        Assert.Contains(Hex(ChartRenderer.ReddishPurple), colors);
    }

    [Fact]
    public void FeatureTrendPng_NoBaselineChange_DrawsNoMarker()
    {
        var trend = ChartSamples.MeetingSummary() with { BaselineChanges = [] };

        using var bitmap = Decode(ChartRenderer.FeatureTrendPng(trend));

        Assert.DoesNotContain(Hex(ChartRenderer.ReddishPurple), SampledColors(bitmap));
    }

    [Fact]
    public void SavingsPng_ThreeFeatures_OneColourEach()
    {
        var png = ChartRenderer.SavingsPng(ChartSamples.AllFeatures(), 640, 360);

        using var bitmap = Decode(png);
        Assert.Equal((640, 360), (bitmap.Width, bitmap.Height));
        var colors = SampledColors(bitmap);
        Assert.Contains(Hex(ChartRenderer.SeriesColors[0]), colors);
        Assert.Contains(Hex(ChartRenderer.SeriesColors[1]), colors);
        Assert.Contains(Hex(ChartRenderer.SeriesColors[2]), colors);
        Assert.DoesNotContain(Hex(ChartRenderer.SeriesColors[3]), colors);
    }

    [Fact]
    public void FeatureTrendPng_OneMonthOfData_Refused()
    {
        var months = ChartSamples.Months();
        var trend = new FeatureTrend("x", months.Select((m, i) => i == 11 ? new TrendMonth(m, 2m, 1m, 2m) : new TrendMonth(m, null, null, null)).ToList(), []);

        Assert.Throws<ArgumentException>(() => ChartRenderer.FeatureTrendPng(trend));
    }

    [Fact]
    public void FeatureTrendPng_RoiBelowOneAndGaps_StillDraws()
    {
        var months = ChartSamples.Months();
        var trend = new FeatureTrend("x", months.Select((m, i) => i % 3 == 0 ? new TrendMonth(m, null, null, null) : new TrendMonth(m, 0.5m + (i * 0.1m), 2m, 1m + (i * 0.2m))).ToList(), []);

        using var bitmap = Decode(ChartRenderer.FeatureTrendPng(trend));

        Assert.Contains(Hex(ChartRenderer.Blue), SampledColors(bitmap));
    }

    [Fact]
    public void FeatureTrendPng_FreeTasksAndNoBaseline_DrawsEmptyAxesInsteadOfFailing()
    {
        var months = ChartSamples.Months();
        var trend = new FeatureTrend("x", months.Select(m => new TrendMonth(m, null, 0m, null)).ToList(), []);

        using var bitmap = Decode(ChartRenderer.FeatureTrendPng(trend));

        Assert.Equal(800, bitmap.Width);
    }

    internal static SKBitmap Decode(byte[] png) =>
        SKBitmap.Decode(png) ?? throw new InvalidOperationException("not a PNG SkiaSharp can read");

    /// <summary>Every pixel's colour as RRGGBB; a 800×450 image is small enough to read whole.</summary>
    internal static HashSet<string> SampledColors(SKBitmap bitmap)
    {
        var colors = new HashSet<string>(StringComparer.Ordinal);
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                colors.Add($"{c.Red:X2}{c.Green:X2}{c.Blue:X2}");
            }
        }

        return colors;
    }

    internal static string Hex(ScottPlot.Color color) => $"{color.R:X2}{color.G:X2}{color.B:X2}";
}
