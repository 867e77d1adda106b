namespace Bot;

/// <summary>The bot cannot start for a reason the person running it can fix; the message says what and how.</summary>
internal sealed class StartupException : Exception
{
    public StartupException(string message)
        : base(message)
    {
    }

    public StartupException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
