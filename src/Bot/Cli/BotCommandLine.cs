using System.CommandLine;
using Bot.Chat;

namespace Bot.Cli;

/// <summary>
/// The executable's verbs. Words no verb claims pass through to the host configuration once <see cref="HostSettings"/>
/// has checked that each is a setting the bot reads (WebApplicationFactory hands its settings to the app this way too).
/// </summary>
internal static class BotCommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand("ROI bot: AI cost per task against human cost per task, in chat. With no verb it serves.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction((result, token) => ServeAsync(result, token));

        var serve = new Command("serve", "Run the bot: local chat page, HTTP API, and the Slack and Teams endpoints that are configured.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        serve.SetAction((result, token) => ServeAsync(result, token));
        root.Subcommands.Add(serve);

        var askText = new Argument<string[]>("text") { Description = "What you would type in chat, for example: roi meeting-summary" , Arity = ArgumentArity.OneOrMore };
        var ask = new Command("ask", "Ask the bot once and print its answer as plain text.") { askText };
        ask.TreatUnmatchedTokensAsErrors = false;
        ask.SetAction(async (result, token) =>
        {
            // The text argument takes every word, settings included: `--Key=value` words are settings, not chat.
            var words = result.GetValue(askText) ?? [];
            var settings = words.Where(IsSetting).ToArray();
            if (settings.Select(setting => HostSettings.Problem(setting, ask)).FirstOrDefault(problem => problem is not null) is { } problem)
            {
                throw new CommandLineMistakeException(problem);
            }

            var text = string.Join(' ', words.Where(word => !IsSetting(word)));
            if (string.IsNullOrWhiteSpace(text))
            {
                await Console.Error.WriteLineAsync("Ask what? For example: ask \"roi\" or ask \"roi help\"");
                return 2;
            }

            await using var app = BuildVerbHost([.. HostArguments(result), .. settings]);
            var dispatcher = app.Services.GetRequiredService<ChatDispatcher>();
            var context = new CommandContext(new ChatAddress("local", "cli"), Environment.UserName, Environment.UserName);
            var reply = await dispatcher.HandleAsync(context, text, token);
            Console.Out.Write(PlainTextRenderer.Render(reply));
            return reply.IsError ? 2 : 0;
        });
        root.Subcommands.Add(ask);

        foreach (var command in CliVerbs.All())
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    private static async Task<int> ServeAsync(ParseResult result, CancellationToken cancellationToken)
    {
        await using var app = BotHost.Build(HostArguments(result));
        await app.RunAsync(cancellationToken);
        return 0;
    }

    /// <summary>The host for a one-shot verb: the same composition, quieter logs (only warnings and errors).</summary>
    internal static WebApplication BuildVerbHost(string[] hostArguments)
    {
        var app = BotHost.Build([.. hostArguments, "--Logging:LogLevel:Default=Warning"], oneShot: true);

        // A verb never starts the host, so the settings' checks (ValidateOnStart) run here: a bad setting is the same
        // plain refusal as for serve, not an exception in the middle of the work.
        app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
        return app;
    }

    private static bool IsSetting(string word) => word.StartsWith("--", StringComparison.Ordinal) && word.Contains('=', StringComparison.Ordinal);

    /// <summary>The tokens no verb claimed, such as --Storage:Path=x or --urls=..., for the host's configuration (checked: see <see cref="HostSettings"/>).</summary>
    internal static string[] HostArguments(ParseResult result) => HostSettings.From(result);
}
