using Microsoft.Playwright;
using Rhythmic.Core.Configuration;

namespace Rhythmic.Testing;

/// <summary>
/// Headless Chromium for tests: Debian's <c>chromium</c> (setup.sh installs it) driven by Microsoft.Playwright through
/// its executable path, since Playwright's own browser download cannot run here. A test project using it references
/// Microsoft.Playwright itself: the package's build step copies its driver (node) next to the tests.
/// </summary>
public static class TestBrowser
{
    /// <summary>The browser binary: <c>RHYTHMIC_CHROMIUM</c>, else Debian's <c>/usr/bin/chromium</c>.</summary>
    public static string ExecutablePath { get; } = Environment.GetEnvironmentVariable("RHYTHMIC_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Where tests keep files for a human to look at (screenshots): tests/artifacts/ of the source tree, git-ignored.</summary>
    public static string ArtifactsDirectory { get; } = Path.Combine(RhythmicConfiguration.FindHome(), "tests", "artifacts");

    /// <summary>Starts headless Chromium; dispose the session to close it.</summary>
    public static async Task<BrowserSession> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"Chromium is not installed at {ExecutablePath}: run ./setup.sh (it installs Debian's chromium) or set RHYTHMIC_CHROMIUM");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                // No sandbox: tests run as root here, where Chromium's sandbox refuses to start. No background networking:
                // nothing but loopback is reachable, and the browser must not wait for it.
                Args = ["--no-sandbox", "--disable-background-networking"],
            });
            return new BrowserSession(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>The path of an artifact file named <paramref name="name"/>, its directory created.</summary>
    public static string ArtifactPath(string name)
    {
        Directory.CreateDirectory(ArtifactsDirectory);
        return Path.Combine(ArtifactsDirectory, name);
    }
}

/// <summary>A running headless browser; every page it opens records its script errors in <see cref="Errors"/>.</summary>
public sealed class BrowserSession(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
{
    private readonly List<string> _errors = [];

    /// <summary>The browser.</summary>
    public IBrowser Browser => browser;

    /// <summary>Uncaught exceptions, console errors and failed HTTP answers (4xx, 5xx) of the pages opened so far, in order.</summary>
    public IReadOnlyList<string> Errors { get { lock (_errors) return [.. _errors]; } }

    /// <summary>Opens a page of the given size (a desktop screen by default) that records its errors.</summary>
    public async Task<IPage> NewPageAsync(int width = 1440, int height = 900)
    {
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        page.PageError += (_, error) => { lock (_errors) _errors.Add($"page error: {error}"); };
        page.Console += (_, message) => { if (message.Type == "error") lock (_errors) _errors.Add($"console error: {message.Text} ({message.Location})"); };
        page.Response += (_, response) => { if (response.Status >= 400) lock (_errors) _errors.Add($"HTTP {response.Status} for {response.Request.Method} {response.Url}"); };
        return page;
    }

    /// <summary>Fails the test with every error recorded, one a line, when there is any.</summary>
    public void AssertNoErrors()
    {
        var errors = Errors;
        Assert.True(errors.Count == 0, $"the browser saw {errors.Count} error(s):\n{string.Join("\n", errors)}");
    }

    /// <summary>Closes the browser and stops Playwright's driver.</summary>
    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
