using Bot.Chat;

namespace Bot.Charts;

/// <summary>
/// Turns a chart into a link a chat client can fetch (Teams cards): the PNG is stored and served at
/// `GET /charts/{id}.png?exp=&lt;unix seconds&gt;&amp;sig=&lt;HMAC&gt;` until <see cref="ChartOptions.LinkLifetime"/> passes.
/// The id is 128 random bits; a link with an edited id, expiry or signature is refused.
/// </summary>
internal interface IChartLinks
{
    /// <summary>
    /// Stores the chart and returns its signed link, on Charts:PublicBaseUrl or else the host of the request being
    /// handled. Throws <see cref="InvalidOperationException"/> outside a request when no public base URL is set.
    /// </summary>
    Uri CreateUrl(ReplyChart chart);
}
