using Bot.Roi;
using Bot.Usage.Prices;

namespace Bot.Usage;

internal static class UsageServices
{
    public static void AddUsage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PriceOptions>().BindConfiguration(PriceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(_ => PriceCatalog.LoadEmbedded());
        builder.Services.AddSingleton<PriceBook>();
        builder.Services.AddSingleton<IModelPriceInfo>(services => services.GetRequiredService<PriceBook>());
        builder.Services.AddSingleton<UsageStore>();
    }
}
