using System.Text;

namespace Bot.Chat;

/// <summary>The words after the command, split on white space; "double quoted" text is one word.</summary>
internal sealed record CommandArguments(IReadOnlyList<string> Words)
{
    public static CommandArguments Empty { get; } = new([]);

    public int Count => Words.Count;

    public string this[int index] => Words[index];

    public string Text => string.Join(' ', Words);

    public CommandArguments Skip(int count) => new(Words.Skip(count).ToList());

    /// <summary>Splits tolerantly: runs of spaces, tabs and chat clients' smart quotes are accepted.</summary>
    public static CommandArguments Parse(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        var hasWord = false;
        foreach (var c in text)
        {
            if (c is '"' or '\u201C' or '\u201D')
            {
                quoted = !quoted;
                hasWord = true;
                continue;
            }

            if (!quoted && char.IsWhiteSpace(c))
            {
                if (hasWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    hasWord = false;
                }

                continue;
            }

            current.Append(c);
            hasWord = true;
        }

        if (hasWord)
        {
            words.Add(current.ToString());
        }

        return new CommandArguments(words);
    }
}
