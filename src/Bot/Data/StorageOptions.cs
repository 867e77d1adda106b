using System.ComponentModel.DataAnnotations;

namespace Bot.Data;

internal sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>The SQLite database file; created with its folder on first start.</summary>
    [Required]
    public string Path { get; set; } = "data/roi.db";
}
