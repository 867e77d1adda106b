namespace Bot.Chat;

/// <summary>`roi help`: every command's right form, from the handlers themselves.</summary>
internal sealed class HelpHandler(IServiceProvider services) : ICommandHandler
{
    public const string CommandName = "help";

    public string Name => CommandName;

    public IReadOnlyList<string> Usage { get; } = ["roi help"];

    public string Summary => "this list";

    public Task<Reply> HandleAsync(CommandContext context, CommandArguments arguments, CancellationToken cancellationToken)
    {
        var handlers = services.GetServices<ICommandHandler>()
            .OrderBy(h => h.Name == ChatDispatcher.ReportHandlerName ? 0 : 1)
            .ThenBy(h => h.Name, StringComparer.Ordinal);
        var rows = handlers.SelectMany(h => h.Usage.Select((usage, i) => (IReadOnlyList<string>)[usage, i == 0 ? h.Summary : string.Empty])).ToList();
        return Task.FromResult(new Reply("ROI bot commands")
        {
            Body = ["Compare the AI cost of each task with what the same task costs a person."],
            Tables = [new ReplyTable([new ReplyColumn("Command"), new ReplyColumn("What it does")], rows)],
            Footnote = "Periods: " + Roi.ReportingPeriod.Forms + ". Feature names are case-insensitive.",
        });
    }
}
