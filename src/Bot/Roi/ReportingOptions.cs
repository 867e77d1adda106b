using System.ComponentModel.DataAnnotations;

namespace Bot.Roi;

internal sealed class ReportingOptions : IValidatableObject
{
    public const string Section = "Reporting";

    /// <summary>IANA time zone id; months and quarters are calendar periods in this zone.</summary>
    [Required]
    public string TimeZone { get; set; } = "UTC";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return new ValidationResult($"Reporting:TimeZone '{TimeZone}' is not a known time zone id (for example UTC, Europe/Berlin).", [nameof(TimeZone)]);
        }
    }
}

/// <summary>Today and instants as seen in the reporting time zone; the only place that joins clock and zone.</summary>
internal sealed class ReportingClock(TimeProvider time, Microsoft.Extensions.Options.IOptions<ReportingOptions> options)
{
    public TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public DateTimeOffset UtcNow => time.GetUtcNow();

    public DateOnly Today => LocalDay(time.GetUtcNow());

    public DateOnly LocalDay(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>The month before the current one: what `roi` shows by default.</summary>
    public ReportingPeriod LastCompleteMonth => ReportingPeriod.MonthOf(Today).Previous();
}
