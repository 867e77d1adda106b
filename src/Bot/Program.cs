using System.CommandLine;
using Bot.Cli;
using Microsoft.Extensions.Options;

// Verbs: serve (default), ask, import, demo, keys, teams package. Everything the web host needs is in BotHost.
try
{
    return await BotCommandLine.Create().Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (OptionsValidationException refused)
{
    // A setting is missing or wrong: say which, without a stack trace.
    await Console.Error.WriteLineAsync("The bot cannot start:");
    foreach (var failure in refused.Failures)
    {
        await Console.Error.WriteLineAsync("  - " + Bot.StartupMessages.Plain(failure));
    }

    return 1;
}
catch (CommandLineMistakeException mistake)
{
    await Console.Error.WriteLineAsync(mistake.Message);
    return 2;
}
catch (Bot.StartupException refused)
{
    await Console.Error.WriteLineAsync("The bot cannot start:");
    await Console.Error.WriteLineAsync("  - " + refused.Message);
    return 1;
}

/// <summary>The entry point, named so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
