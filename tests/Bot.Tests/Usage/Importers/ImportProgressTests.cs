using Bot.Usage.Importers;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Usage.Importers;

public sealed class ImportProgressTests
{
    [Fact]
    public void OnRecord_AfterAQuarterSecond_ShowsShareReadAndRate()
    {
        var time = new FakeTimeProvider(BotApplication.DefaultNow);
        var writer = new StringWriter();
        var progress = new ImportProgress(writer, () => 250, 1000, time, enabled: true);

        time.Advance(TimeSpan.FromMilliseconds(100));
        progress.OnRecord(1024);
        Assert.Empty(writer.ToString());

        time.Advance(TimeSpan.FromMilliseconds(412));
        progress.OnRecord(2048);
        progress.Finish();

        Assert.Equal("\r 25% read, 2,048 records, 4,000 records/s   " + Environment.NewLine, writer.ToString());
    }

    [Fact]
    public void OnRecord_WhenOff_WritesNothing()
    {
        var time = new FakeTimeProvider(BotApplication.DefaultNow);
        var writer = new StringWriter();
        var progress = new ImportProgress(writer, () => 250, 1000, time, enabled: false);

        time.Advance(TimeSpan.FromSeconds(5));
        progress.OnRecord(1024);
        progress.Finish();

        Assert.Empty(writer.ToString());
    }
}
