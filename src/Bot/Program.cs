using Bot.Cli;

// Verbs: serve (default), ask, import, demo, keys. Everything the web host needs is in BotHost.
return await BotCommandLine.Create().Parse(args).InvokeAsync();

/// <summary>The entry point, named so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
