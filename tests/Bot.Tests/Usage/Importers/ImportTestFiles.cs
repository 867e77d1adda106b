using System.Text;
using Bot.Usage;
using Bot.Usage.Importers;

namespace Bot.Tests.Usage.Importers;

internal static class ImportTestFiles
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Usage", name);

    public static Stream OpenFixture(string name) => File.OpenRead(Fixture(name));

    public static Stream Text(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text));

    public static async Task<List<ImportItem>> ReadAllAsync(IAsyncEnumerable<ImportItem> items)
    {
        var all = new List<ImportItem>();
        await foreach (var item in items)
        {
            all.Add(item);
        }

        return all;
    }

    public static List<UsageRecord> Records(this List<ImportItem> items)
    {
        var errors = items.Errors();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
        return [.. items.Select(item => item.Record!)];
    }

    public static List<UsageError> Errors(this List<ImportItem> items) => [.. items.SelectMany(item => item.Errors ?? [])];
}
