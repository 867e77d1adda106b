namespace Bot;

/// <summary>The bot cannot start for a reason the person running it can fix; the message says what and how.</summary>
internal sealed class StartupException(string message, Exception inner) : Exception(message, inner);
