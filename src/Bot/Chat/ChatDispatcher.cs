using System.Text.RegularExpressions;

namespace Bot.Chat;

/// <summary>
/// The one entry point for every channel: text in, <see cref="Reply"/> out. Picks the handler named by the
/// first word after `roi`; anything else (nothing, a period, a feature) goes to the report handler.
/// </summary>
internal sealed partial class ChatDispatcher
{
    public const string ReportHandlerName = "report";

    /// <summary>Commands are short; anything longer is a paste by mistake and is not echoed back.</summary>
    public const int MaxTextLength = 2_000;

    private readonly Dictionary<string, ICommandHandler> handlers;
    private readonly ILogger<ChatDispatcher> logger;

    public ChatDispatcher(IEnumerable<ICommandHandler> handlers, ILogger<ChatDispatcher> logger)
    {
        this.handlers = new Dictionary<string, ICommandHandler>(StringComparer.OrdinalIgnoreCase);
        foreach (var handler in handlers)
        {
            if (!this.handlers.TryAdd(handler.Name, handler))
            {
                throw new InvalidOperationException($"Two chat handlers are registered for the command '{handler.Name}'.");
            }
        }

        if (!this.handlers.ContainsKey(ReportHandlerName))
        {
            throw new InvalidOperationException($"No chat handler is registered for '{ReportHandlerName}'.");
        }

        this.logger = logger;
    }

    public IReadOnlyCollection<ICommandHandler> Handlers => handlers.Values;

    public async Task<Reply> HandleAsync(CommandContext context, string text, CancellationToken cancellationToken)
    {
        if (text.Length > MaxTextLength)
        {
            return Reply.Error("That message is too long", $"Commands are at most {MaxTextLength:#,##0} characters; this one has {text.Length:#,##0}. `roi help` lists them.");
        }

        var arguments = CommandArguments.Parse(StripPrefix(text));
        var handler = handlers[ReportHandlerName];
        if (arguments.Count > 0 && handlers.TryGetValue(arguments[0], out var named) && named.Name != ReportHandlerName)
        {
            handler = named;
            arguments = arguments.Skip(1);
        }

        try
        {
            return await handler.HandleAsync(context, arguments, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogError(exception, "Chat command {Command} failed", handler.Name);
            return Reply.Error("Something went wrong", "The bot could not answer that. The error was logged; try again, or `roi help`.");
        }
    }

    /// <summary>Removes a leading mention (`<@U123>`, `@ROI`) and the word `roi`, in any case.</summary>
    internal static string StripPrefix(string text)
    {
        var trimmed = LeadingMention().Replace(text.Trim(), string.Empty).Trim();
        var match = LeadingRoi().Match(trimmed);
        return match.Success ? trimmed[match.Length..].Trim() : trimmed;
    }

    [GeneratedRegex(@"^(<@[^>]+>|@\S+)\s*")]
    private static partial Regex LeadingMention();

    [GeneratedRegex(@"^/?roi(\s+|$)", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingRoi();
}
