namespace Bot.Chat;

/// <summary>One chat command: `roi {Name} ...`. Handlers return the reply; adapters post it.</summary>
internal interface ICommandHandler
{
    /// <summary>The word after `roi` that selects this handler, lower case.</summary>
    string Name { get; }

    /// <summary>The right form(s), shown in help and when the arguments are wrong.</summary>
    IReadOnlyList<string> Usage { get; }

    string Summary { get; }

    Task<Reply> HandleAsync(CommandContext context, CommandArguments arguments, CancellationToken cancellationToken);
}
