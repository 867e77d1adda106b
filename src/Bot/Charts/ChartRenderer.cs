using System.Globalization;
using Bot.Roi;
using ScottPlot;
using SkiaSharp;

namespace Bot.Charts;

/// <summary>
/// Data in, PNG bytes out; no I/O. Sized for chat clients (800×450 by default): a title, axis labels with units,
/// period labels under every month, and the Okabe–Ito colours, which stay apart for colour-blind readers.
/// Values become <see cref="double"/> only here, to be drawn; nothing is computed from them.
/// </summary>
internal static class ChartRenderer
{
    public const int DefaultWidth = 800;
    public const int DefaultHeight = 450;

    // Okabe & Ito (2008), "Color Universal Design".
    public static readonly Color Blue = Color.FromHex("#0072B2");
    public static readonly Color Vermillion = Color.FromHex("#D55E00");
    public static readonly Color BluishGreen = Color.FromHex("#009E73");
    public static readonly Color ReddishPurple = Color.FromHex("#CC79A7");
    public static readonly Color Orange = Color.FromHex("#E69F00");
    public static readonly Color SkyBlue = Color.FromHex("#56B4E9");
    public static readonly Color Yellow = Color.FromHex("#F0E442");
    public static readonly Color Black = Color.FromHex("#000000");

    /// <summary>Series colours for the all-features chart, most distinct first (yellow last: weak on white).</summary>
    public static readonly IReadOnlyList<Color> SeriesColors = [Blue, Vermillion, BluishGreen, ReddishPurple, Orange, SkyBlue, Black, Yellow];

    /// <summary>The font shipped in Charts/Fonts, so text looks the same on every machine and needs no system fonts.</summary>
    public const string FontName = "DejaVu Sans";

    private static readonly string FontFolder = Path.Combine(AppContext.BaseDirectory, "Charts", "Fonts");

    private static readonly Lazy<string> FontFamily = new(RegisterFont);

    private static readonly Lazy<SKTypeface> BoldTypeface = new(() =>
        SKTypeface.FromFile(Path.Combine(FontFolder, "DejaVuSans-Bold.ttf")) ?? throw new InvalidOperationException($"The chart font is missing from {FontFolder}."));

    private const float LeftPadding = 92;
    private const float RightPadding = 20;

    /// <summary>
    /// Two panels over the same months: the ROI multiple with the break-even line (1×) above, the AI and human
    /// cost per task below. Both use a log scale: multiples and costs span several orders of magnitude.
    /// </summary>
    public static byte[] FeatureTrendPng(FeatureTrend trend, int width = DefaultWidth, int height = DefaultHeight)
    {
        RequireTwoMonths(trend.MonthsWithData);
        var labels = trend.Months.Select(m => m.Month.Label).ToArray();

        var roiPlot = NewPlot(labels, showPeriodLabels: false);
        var title = $"{trend.Feature}: ROI and cost per task, {labels[0]} to {labels[^1]}";
        roiPlot.Axes.Left.Label.Text = "ROI (×, log)";
        var roi = trend.Months.Select(m => m.RoiMultiple).ToArray();
        AddSeries(roiPlot, roi, "ROI multiple", Blue, MarkerShape.FilledCircle, log: true);
        var breakEven = roiPlot.Add.HorizontalLine(0);
        breakEven.Color = Black;
        breakEven.LineWidth = 1.5f;
        breakEven.LinePattern = LinePattern.Dashed;
        breakEven.LegendText = "break-even 1×";
        SetLogAxis(roiPlot, roi.Append(1m), labels.Length, FormatMultipleTick);

        var costPlot = NewPlot(labels, showPeriodLabels: true);
        costPlot.Axes.Left.Label.Text = "USD per task (log)";
        costPlot.Axes.Bottom.Label.Text = "Month";
        var ai = trend.Months.Select(m => m.AiCostPerTask).ToArray();
        var human = trend.Months.Select(m => m.HumanCostPerTask).ToArray();
        AddSeries(costPlot, ai, "AI cost/task", Vermillion, MarkerShape.FilledSquare, log: true);
        AddSeries(costPlot, human, "human cost/task", BluishGreen, MarkerShape.FilledTriangleUp, log: true);
        SetLogAxis(costPlot, ai.Concat(human), labels.Length, FormatMoneyTick);

        AddBaselineMarkers(trend, roiPlot, costPlot);

        roiPlot.ShowLegend(Alignment.UpperLeft, Orientation.Horizontal);
        costPlot.ShowLegend(Alignment.UpperLeft, Orientation.Horizontal);

        // Fixed paddings line the two data areas up month for month.
        // The title gets its own strip so the baseline labels above the top panel cannot run into it.
        const int titleHeight = 30;
        var roiHeight = (int)((height - titleHeight) * 0.52);
        roiPlot.Layout.Fixed(new PixelPadding(LeftPadding, RightPadding, 8, 24));
        costPlot.Layout.Fixed(new PixelPadding(LeftPadding, RightPadding, 50, 8));
        return Encode(width, height, canvas =>
        {
            DrawTitle(canvas, title, width, titleHeight);
            DrawPanel(canvas, roiPlot, width, roiHeight, titleHeight);
            DrawPanel(canvas, costPlot, width, height - titleHeight - roiHeight, titleHeight + roiHeight);
        });
    }

    /// <summary>
    /// A dotted line between the last month on the old baseline and the first on the new one, in both panels,
    /// labelled with the new human cost above the top panel. Labels need two months of room: where changes are
    /// closer, only the later one is labelled.
    /// </summary>
    private static void AddBaselineMarkers(FeatureTrend trend, Plot roiPlot, Plot costPlot)
    {
        var months = trend.Months.Select(m => m.Month).ToList();
        var changes = trend.BaselineChanges
            .Select(change => (Index: months.IndexOf(change.Month), change.HumanCostPerTask))
            .Where(change => change.Index > 0)
            .OrderByDescending(change => change.Index)
            .ToList();
        var lastLabelled = int.MaxValue;
        foreach (var (index, humanCost) in changes)
        {
            foreach (var plot in new[] { roiPlot, costPlot })
            {
                var line = plot.Add.VerticalLine(index - 0.5);
                line.Color = ReddishPurple;
                line.LineWidth = 2;
                line.LinePattern = LinePattern.Dotted;
                if (plot == roiPlot && index == changes[^1].Index)
                {
                    line.LegendText = "baseline change";
                }

                if (plot == roiPlot && lastLabelled - index >= 2)
                {
                    line.Text = $"{Money.Format(humanCost)}/task";
                    line.LabelFontSize = 11;
                    line.LabelBackgroundColor = ReddishPurple;
                    line.LabelFontColor = Colors.White;
                    line.LabelOppositeAxis = true;
                    lastLabelled = index;
                }
            }
        }
    }

    /// <summary>One line per feature: savings (human cost avoided minus AI cost) per month, in dollars.</summary>
    public static byte[] SavingsPng(SavingsTrend trend, int width = DefaultWidth, int height = DefaultHeight)
    {
        RequireTwoMonths(trend.MonthsWithData);
        var labels = trend.Months.Select(m => m.Label).ToArray();
        var plot = NewPlot(labels, showPeriodLabels: true);
        plot.Title($"Savings per feature per month, {labels[0]} to {labels[^1]}", size: 15);
        plot.Axes.Title.Label.Bold = true;
        plot.Axes.Left.Label.Text = "Savings per month (USD)";
        plot.Axes.Bottom.Label.Text = "Month";

        MarkerShape[] shapes = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond];
        for (var i = 0; i < trend.Features.Count; i++)
        {
            var feature = trend.Features[i];
            // Colour and marker together stay unique for 32 features.
            AddSeries(plot, feature.Savings, feature.Feature, SeriesColors[i % SeriesColors.Count], shapes[i / SeriesColors.Count % shapes.Length], log: false);
        }

        var values = trend.Features.SelectMany(f => f.Savings).OfType<decimal>().Select(v => (double)v).Append(0).ToList();
        var (low, high) = (values.Min(), values.Max());
        var span = Math.Max(high - low, 1);

        // Headroom above the lines keeps the legend off the data.
        var legendRows = Math.Ceiling(trend.Features.Count / 3.0);
        plot.Axes.SetLimits(-0.5, labels.Length - 0.5, low - (span * 0.05), high + (span * (0.12 + (0.1 * legendRows))));
        if (low < 0)
        {
            var zero = plot.Add.HorizontalLine(0);
            zero.Color = Black;
            zero.LineWidth = 1;
        }

        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = FormatSavingsTick };
        plot.ShowLegend(Alignment.UpperLeft, Orientation.Horizontal);
        plot.Layout.Fixed(new PixelPadding(LeftPadding, RightPadding, 50, 36));
        return Encode(width, height, canvas => plot.Render(canvas, new PixelRect(0, width, height, 0)));
    }

    private static string RegisterFont()
    {
        Fonts.AddFontFile(FontName, Path.Combine(FontFolder, "DejaVuSans.ttf"), bold: false, italic: false);
        Fonts.AddFontFile(FontName, Path.Combine(FontFolder, "DejaVuSans-Bold.ttf"), bold: true, italic: false);
        return FontName;
    }

    private static void RequireTwoMonths(int monthsWithData)
    {
        if (monthsWithData < 2)
        {
            throw new ArgumentException($"A chart needs at least two months with data; this has {monthsWithData}.");
        }
    }

    private static Plot NewPlot(string[] labels, bool showPeriodLabels)
    {
        var plot = new Plot();
        plot.Font.Set(FontFamily.Value);
        plot.FigureBackground.Color = Colors.White;
        plot.DataBackground.Color = Colors.White;
        plot.Grid.MajorLineColor = Color.FromHex("#E5E5E5");
        plot.Axes.Left.Label.FontSize = 13;
        plot.Axes.Bottom.Label.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 12;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 12;
        plot.Legend.FontSize = 12;
        plot.Legend.OutlineColor = Color.FromHex("#BBBBBB");
        var positions = Enumerable.Range(0, labels.Length).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.SetTicks(positions, showPeriodLabels ? labels : labels.Select(_ => string.Empty).ToArray());
        return plot;
    }

    /// <summary>A line through the months that have a value; a missing month breaks the line instead of bridging it.</summary>
    private static void AddSeries(Plot plot, IReadOnlyList<decimal?> values, string legend, Color color, MarkerShape marker, bool log)
    {
        var legendShown = false;
        var segment = new List<(double X, double Y)>();
        void Flush()
        {
            if (segment.Count == 0)
            {
                return;
            }

            var scatter = plot.Add.Scatter(segment.Select(p => p.X).ToArray(), segment.Select(p => p.Y).ToArray(), color);
            scatter.LineWidth = 2.5f;
            scatter.MarkerSize = 7;
            scatter.MarkerShape = marker;
            if (!legendShown)
            {
                scatter.LegendText = legend;
                legendShown = true;
            }

            segment.Clear();
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is { } value && (!log || value > 0))
            {
                segment.Add((i, log ? Math.Log10((double)value) : (double)value));
            }
            else
            {
                Flush();
            }
        }

        Flush();
    }

    /// <summary>
    /// Whole decades with room above for the legend, at least one decade tall. Ticks are placed by hand, a label per
    /// decade and minor ticks at 2..9: the automatic generator measures candidate labels over and over, which
    /// made a chart several times slower.
    /// </summary>
    private static void SetLogAxis(Plot plot, IEnumerable<decimal?> values, int months, Func<double, string> format)
    {
        var logs = values.OfType<decimal>().Where(v => v > 0).Select(v => Math.Log10((double)v)).DefaultIfEmpty(0).ToList();
        var low = Math.Floor(logs.Min());
        var high = Math.Max(Math.Ceiling(logs.Max()), low + 1);
        var span = high - low;
        plot.Axes.SetLimits(-0.5, months - 0.5, low - (span * 0.04), high + (span * 0.3));

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var step = span > 6 ? 2 : 1;
        for (var decade = low; decade <= high; decade++)
        {
            if ((decade - low) % step == 0)
            {
                ticks.AddMajor(decade, format(decade));
            }

            for (var minor = 2; minor <= 9 && decade < high; minor++)
            {
                ticks.AddMinor(decade + Math.Log10(minor));
            }
        }

        plot.Axes.Left.TickGenerator = ticks;
    }

    private static string FormatMultipleTick(double log10) =>
        Math.Pow(10, log10).ToString(log10 < 0 ? "0.###" : "#,##0", CultureInfo.InvariantCulture) + "×";

    private static string FormatMoneyTick(double log10)
    {
        var value = Math.Pow(10, log10);
        return "$" + value.ToString(value < 1 ? "0.#########" : "#,##0", CultureInfo.InvariantCulture);
    }

    private static string FormatSavingsTick(double value)
    {
        var sign = value < 0 ? "-" : string.Empty;
        var size = Math.Abs(value);
        return sign + (size >= 1_000_000 ? $"${(size / 1_000_000).ToString("0.#", CultureInfo.InvariantCulture)}M"
            : size >= 1_000 ? $"${(size / 1_000).ToString("0.#", CultureInfo.InvariantCulture)}k"
            : $"${size.ToString("0.##", CultureInfo.InvariantCulture)}");
    }

    private static void DrawTitle(SKCanvas canvas, string title, int width, int height)
    {
        using var font = new SKFont(BoldTypeface.Value, 16);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(title, width / 2f, height - 8, SKTextAlign.Center, font, paint);
    }

    // Clipped: a plot paints its figure background over the whole canvas it is given.
    private static void DrawPanel(SKCanvas canvas, Plot plot, int width, int height, int top)
    {
        canvas.Save();
        canvas.ClipRect(new SKRect(0, top, width, top + height));
        plot.Render(canvas, new PixelRect(0, width, top + height, top));
        canvas.Restore();
    }

    private static SKSurface CreateSurface(int width, int height) =>
        SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException("SkiaSharp could not create a drawing surface.");

    private static byte[] Encode(int width, int height, Action<SKCanvas> draw)
    {
        using var surface = CreateSurface(width, height);
        surface.Canvas.Clear(SKColors.White);
        draw(surface.Canvas);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
