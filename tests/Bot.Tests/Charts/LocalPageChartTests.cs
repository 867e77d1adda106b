using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Charts;

/// <summary>
/// The local page in a real browser: headless Chromium (Debian's `chromium`; .ci/run installs it) driven over the
/// DevTools protocol against the app on a real socket, because the page decodes the chart itself.
/// </summary>
public sealed class LocalPageChartTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task LocalPage_RoiChartFeatureAndDigest_ShowEachChartInline()
    {
        var chromium = FindChromium() ?? throw new Xunit.Sdk.XunitException(
            "Chromium is not installed, so the local page cannot be checked. Install it: apt-get install -y chromium (.ci/run does this when it is missing).");
        using var timeout = new CancellationTokenSource(Timeout);
        var folder = Directory.CreateTempSubdirectory("roi-bot-chromium-").FullName;
        try
        {
            await using var app = BotHost.Build(["--urls=http://127.0.0.1:0", $"--Storage:Path={Path.Combine(folder, "roi.db")}"]);
            await ChartSeed.MeetingSummaryAsync(app.Services, timeout.Token);
            var lastMonth = app.Services.GetRequiredService<Bot.Roi.ReportingClock>().LastCompleteMonth;
            await Bot.Tests.Digests.DigestChartTests.SeedTwoFlaggedAsync(app.Services, lastMonth);
            var range = $"{Bot.Charts.ChartService.MonthsEndingWith(lastMonth)[0].Label} to {lastMonth.Label}";
            await app.StartAsync(timeout.Token);
            var address = app.Urls.Single();

            using var browser = StartChromium(chromium, Path.Combine(folder, "profile"));
            try
            {
                await using var page = await DevToolsPage.ConnectAsync(Path.Combine(folder, "profile"), timeout.Token);
                await page.SendAsync("Page.navigate", new JsonObject { ["url"] = address + "/" }, timeout.Token);
                await page.WaitForPageAsync(timeout.Token);
                await page.EvaluateAsync("document.getElementById('text').focus()", timeout.Token);
                await page.SendAsync("Input.insertText", new JsonObject { ["text"] = "roi chart meeting-summary" }, timeout.Token);
                await page.EvaluateAsync("document.querySelector('#ask button').click()", timeout.Token);

                var result = await page.EvaluateAsync(ReadChartScript, timeout.Token);

                Assert.True(result?["error"] is null, result?["error"]?.ToString());
                Assert.Equal(800, (int)result!["width"]!);
                Assert.Equal(450, (int)result["height"]!);
                Assert.True((int)result["colors"]! > 20, $"only {result["colors"]} colours drawn: the image is blank");
                Assert.True((bool)result["hasSeriesColor"]!, "the ROI series colour (#0072B2) is not in the image");
                Assert.StartsWith("Chart of meeting-summary", (string)result["alt"]!, StringComparison.Ordinal);

                // A digest flagging two features shows both pictures in its message.
                await page.EvaluateAsync("document.getElementById('text').focus()", timeout.Token);
                await page.SendAsync("Input.insertText", new JsonObject { ["text"] = "roi digest " + lastMonth.Label }, timeout.Token);
                await page.EvaluateAsync("document.querySelector('#ask button').click()", timeout.Token);

                var digest = await page.EvaluateAsync(ReadDigestChartsScript, timeout.Token);

                Assert.True(digest?["error"] is null, digest?["error"]?.ToString());
                var images = digest!["images"]!.AsArray();
                Assert.Equal(2, images.Count);
                Assert.StartsWith("Chart of legal-drafts, " + range, (string)images[0]!["alt"]!, StringComparison.Ordinal);
                Assert.StartsWith("Chart of search-answers, " + range, (string)images[1]!["alt"]!, StringComparison.Ordinal);
                Assert.All(images, image => Assert.Equal((800, 450), ((int)image!["width"]!, (int)image["height"]!)));
            }
            finally
            {
                browser.Kill(entireProcessTree: true);
                await browser.WaitForExitAsync(CancellationToken.None);
            }

            await app.StopAsync(CancellationToken.None);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still be letting go of its profile; the temp folder is cleaned by the OS.
            }
        }
    }

    private const string WaitForPageScript = """
        (async () => {
          while (document.readyState !== 'complete' || !document.getElementById('text')) await new Promise(r => setTimeout(r, 50));
          return true;
        })()
        """;

    // Waits for the reply's image to decode, then draws it on a canvas and counts its colours.
    private const string ReadChartScript = """
        (async () => {
          const deadline = Date.now() + 30000;
          let img = null;
          while (!(img = document.querySelector('img.chart')) || !img.complete || img.naturalWidth === 0) {
            if (Date.now() > deadline) return { error: 'no chart image on the page; it shows: ' + document.getElementById('log').innerText };
            await new Promise(r => setTimeout(r, 100));
          }
          const canvas = document.createElement('canvas');
          canvas.width = img.naturalWidth;
          canvas.height = img.naturalHeight;
          const context = canvas.getContext('2d');
          context.drawImage(img, 0, 0);
          const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
          const colors = new Set();
          let hasSeriesColor = false;
          for (let i = 0; i < pixels.length; i += 4) {
            colors.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
            if (pixels[i] === 0x00 && pixels[i + 1] === 0x72 && pixels[i + 2] === 0xB2) hasSeriesColor = true;
          }
          return { width: img.naturalWidth, height: img.naturalHeight, colors: colors.size, hasSeriesColor, alt: img.alt };
        })()
        """;

    // Waits for the digest's message and for every image in it to decode.
    private const string ReadDigestChartsScript = """
        (async () => {
          const deadline = Date.now() + 30000;
          while (true) {
            const box = [...document.querySelectorAll('.bot')].find(b => b.querySelector('.title').textContent.startsWith('Monthly ROI digest'));
            const images = box ? [...box.querySelectorAll('img.chart')] : [];
            if (images.length > 0 && images.every(i => i.complete && i.naturalWidth > 0)) {
              return { images: images.map(i => ({ alt: i.alt, width: i.naturalWidth, height: i.naturalHeight })) };
            }
            if (Date.now() > deadline) return { error: 'no digest charts on the page; it shows: ' + document.getElementById('log').innerText };
            await new Promise(r => setTimeout(r, 100));
          }
        })()
        """;

    private static string? FindChromium() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => new[] { Path.Combine(dir, "chromium"), Path.Combine(dir, "chromium-browser") })
            .FirstOrDefault(File.Exists);

    private static Process StartChromium(string executable, string profile)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--remote-debugging-port=0",
            $"--user-data-dir={profile}", "about:blank",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");

        // Drained so a chatty browser never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The smallest DevTools client the test needs: one page, commands by id, events ignored.</summary>
    private sealed class DevToolsPage : IAsyncDisposable
    {
        private readonly ClientWebSocket socket = new();
        private int nextId;

        public static async Task<DevToolsPage> ConnectAsync(string profile, CancellationToken cancellationToken)
        {
            // Chromium writes the port it picked into the profile once it listens.
            var portFile = Path.Combine(profile, "DevToolsActivePort");
            while (!File.Exists(portFile) || File.ReadAllLines(portFile).Length < 2)
            {
                await Task.Delay(100, cancellationToken);
            }

            var port = int.Parse(File.ReadAllLines(portFile)[0], CultureInfo.InvariantCulture);
            using var http = new HttpClient();
            string? pageSocket = null;
            while (pageSocket is null)
            {
                var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list", cancellationToken))!.AsArray();
                pageSocket = targets.FirstOrDefault(t => (string?)t?["type"] == "page")?["webSocketDebuggerUrl"]?.ToString();
                if (pageSocket is null)
                {
                    await Task.Delay(100, cancellationToken);
                }
            }

            var page = new DevToolsPage();
            await page.socket.ConnectAsync(new Uri(pageSocket), cancellationToken);
            return page;
        }

        /// <summary>Until the chat page has loaded; a navigation still under way replaces the context, so retry.</summary>
        public async Task WaitForPageAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                try
                {
                    await EvaluateAsync(WaitForPageScript, cancellationToken);
                    return;
                }
                catch (InvalidOperationException exception) when (exception.Message.Contains("context", StringComparison.OrdinalIgnoreCase))
                {
                    await Task.Delay(100, cancellationToken);
                }
            }
        }

        public async Task<JsonNode?> EvaluateAsync(string expression, CancellationToken cancellationToken)
        {
            var response = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["awaitPromise"] = true, ["returnByValue"] = true }, cancellationToken);
            if (response?["exceptionDetails"] is { } exception)
            {
                throw new InvalidOperationException($"The page threw: {exception.ToJsonString()}");
            }

            return response?["result"]?["value"];
        }

        public async Task<JsonNode?> SendAsync(string method, JsonObject parameters, CancellationToken cancellationToken)
        {
            var id = ++nextId;
            var request = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
            await socket.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            while (true)
            {
                var message = await ReceiveAsync(cancellationToken);
                if ((int?)message["id"] != id)
                {
                    continue;
                }

                if (message["error"] is { } error)
                {
                    throw new InvalidOperationException($"DevTools {method} failed: {error.ToJsonString()}");
                }

                return message["result"];
            }
        }

        private async Task<JsonNode> ReceiveAsync(CancellationToken cancellationToken)
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[64 * 1024];
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(chunk, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new InvalidOperationException("Chromium closed the DevTools connection.");
                }

                buffer.Write(chunk, 0, result.Count);
            }
            while (!result.EndOfMessage);

            return JsonNode.Parse(buffer.ToArray()) ?? throw new JsonException("An empty DevTools message.");
        }

        public async ValueTask DisposeAsync()
        {
            if (socket.State == WebSocketState.Open)
            {
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, quick.Token);
                }
                catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
                {
                    // The browser is killed next anyway.
                }
            }

            socket.Dispose();
        }
    }
}
