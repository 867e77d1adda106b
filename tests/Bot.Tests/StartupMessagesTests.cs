namespace Bot.Tests;

public sealed class StartupMessagesTests
{
    [Fact]
    public void Plain_DataAnnotationsWrapper_LeavesOurSentence() =>
        Assert.Equal(
            "Reporting:TimeZone 'Mars/Base' is not a known time zone id (for example UTC, Europe/Berlin).",
            StartupMessages.Plain("DataAnnotation validation failed for 'ReportingOptions' members: 'TimeZone' with the error: 'Reporting:TimeZone 'Mars/Base' is not a known time zone id (for example UTC, Europe/Berlin).'."));

    [Fact]
    public void Plain_OwnSentence_Unchanged() =>
        Assert.Equal("Slack:BotToken is required.", StartupMessages.Plain("Slack:BotToken is required."));

    [Fact]
    public void Build_UnwritableStoragePath_RefusedWithASentence()
    {
        var error = Assert.Throws<StartupException>(() => BotHost.Build(["--Storage:Path=/proc/no-such-folder/roi.db"]));
        Assert.StartsWith("The database /proc/no-such-folder/roi.db cannot be opened or created", error.Message);
        Assert.Contains("Storage__Path", error.Message);
    }
}
