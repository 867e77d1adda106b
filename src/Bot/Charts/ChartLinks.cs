using System.Globalization;
using System.Security.Cryptography;
using Bot.Chat;
using Microsoft.Extensions.Options;

namespace Bot.Charts;

internal sealed class ChartLinks(ChartStore store, ChartLinkSigner signer, IOptions<ChartOptions> options, IHttpContextAccessor http, TimeProvider time) : IChartLinks
{
    public Uri CreateUrl(ReplyChart chart)
    {
        var baseUrl = BaseUrl();
        var now = time.GetUtcNow();

        // Whole seconds, so the expiry in the link and the one stored agree.
        var expires = DateTimeOffset.FromUnixTimeSeconds((now + options.Value.LinkLifetime).ToUnixTimeSeconds());
        var id = RandomNumberGenerator.GetHexString(32, lowercase: true);
        store.Add(id, chart.Png, chart.FileName, now, expires);
        var exp = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new Uri($"{baseUrl}/charts/{id}.png?exp={exp}&sig={signer.Sign(id, expires.ToUnixTimeSeconds())}");
    }

    private string BaseUrl()
    {
        if (!string.IsNullOrEmpty(options.Value.PublicBaseUrl))
        {
            return options.Value.PublicBaseUrl.TrimEnd('/');
        }

        var request = http.HttpContext?.Request
            ?? throw new InvalidOperationException("Chart links made outside a request need Charts:PublicBaseUrl (the address chat clients reach the bot at).");
        return $"{request.Scheme}://{request.Host}{request.PathBase}".TrimEnd('/');
    }
}
