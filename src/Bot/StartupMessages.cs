using System.Text.RegularExpressions;

namespace Bot;

internal static partial class StartupMessages
{
    /// <summary>
    /// Our own sentence out of the data-annotations wrapper ("DataAnnotation validation failed for 'X' members:
    /// 'Y' with the error: '...'."), so a person reads what to fix and nothing else.
    /// </summary>
    public static string Plain(string failure)
    {
        var match = Wrapped().Match(failure);
        return match.Success ? match.Groups["message"].Value : failure;
    }

    [GeneratedRegex(@"^DataAnnotation validation failed for '[^']*' members: '[^']*' with the error: '(?<message>.*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex Wrapped();
}
