using System.ComponentModel.DataAnnotations;

namespace Bot.Digests;

/// <summary>The `Digests` section: when digests fire (cron, in the reporting time zone) and how a failed post is retried.</summary>
internal sealed class DigestOptions : IValidatableObject
{
    public const string Section = "Digests";

    /// <summary>Quartz cron (seconds first). Default: 09:00 on the first day of each month.</summary>
    [Required]
    public string MonthlyCron { get; set; } = "0 0 9 1 * ?";

    /// <summary>Default: 09:00 on the first day of January, April, July and October.</summary>
    [Required]
    public string QuarterlyCron { get; set; } = "0 0 9 1 1,4,7,10 ?";

    /// <summary>A fall of the ROI multiple by at least this share against the previous period flags it as declining.</summary>
    [Range(0.01, 0.99)]
    public decimal DecliningThreshold { get; set; } = 0.2m;

    /// <summary>Tries per digest before it is recorded as failed for good.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Wait after the first failure; doubles after each further one, up to <see cref="RetryMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromMinutes(1);

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the scheduler looks for digests whose retry is due.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RetryPollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one instance owns a digest it is posting; after that another may take it over.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan SendLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>False leaves the Quartz scheduler built but not started (for a read-only instance, or tests).</summary>
    public bool SchedulerEnabled { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, cron) in new[] { (nameof(MonthlyCron), MonthlyCron), (nameof(QuarterlyCron), QuarterlyCron) })
        {
            if (!Quartz.CronExpression.TryParse(cron ?? string.Empty, out _))
            {
                yield return new ValidationResult($"Digests:{name} '{cron}' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week, for example 0 0 9 1 * ?).", [name]);
            }
        }

        if (RetryMaxDelay < RetryInitialDelay)
        {
            yield return new ValidationResult("Digests:RetryMaxDelay must be at least Digests:RetryInitialDelay.", [nameof(RetryMaxDelay)]);
        }
    }
}
