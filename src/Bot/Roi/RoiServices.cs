using Bot.Chat;

namespace Bot.Roi;

internal static class RoiServices
{
    public static void AddRoi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReportingOptions>().BindConfiguration(ReportingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ReportingClock>();
        builder.Services.AddSingleton<BaselineStore>();
        builder.Services.AddSingleton<RoiReader>();
        builder.Services.AddSingleton<ICommandHandler, ReportHandler>();
        builder.Services.AddSingleton<ICommandHandler, BaselineHandler>();
        builder.Services.AddSingleton<ICommandHandler, OverheadHandler>();
        builder.Services.AddSingleton<ICommandHandler, FeaturesHandler>();
    }
}
