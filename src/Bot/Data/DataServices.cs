namespace Bot.Data;

internal static class DataServices
{
    public static void AddData(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<Database>();
        builder.Services.AddSingleton<Migrator>();
    }
}
