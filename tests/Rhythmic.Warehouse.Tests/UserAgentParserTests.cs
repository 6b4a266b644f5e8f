using FsCheck;
using FsCheck.Fluent;
using Rhythmic.Warehouse.UserAgents;

namespace Rhythmic.Warehouse.Tests;

public sealed class UserAgentParserTests
{
    [Theory]
    [InlineData("Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 Safari/537.36", "Chrome", "Windows", "Desktop")]
    [InlineData("Mozilla/5.0 (Windows NT 6.1; WOW64; rv:31.0) Gecko/20100101 Firefox/31.0", "Firefox", "Windows", "Desktop")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.78.2 (KHTML, like Gecko) Version/7.0.6 Safari/537.78.2", "Safari", "Mac OS X", "Desktop")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.9; rv:31.0) Gecko/20100101 Firefox/31.0", "Firefox", "Mac OS X", "Desktop")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 (KHTML, like Gecko) Version/7.0 Mobile/11D257 Safari/9537.53", "Safari", "iOS", "Mobile")]
    [InlineData("Mozilla/5.0 (iPad; CPU OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 (KHTML, like Gecko) Version/7.0 Mobile/11D257 Safari/9537.53", "Safari", "iOS", "Tablet")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 7_1_2 like Mac OS X) AppleWebKit/537.51.1 (KHTML, like Gecko) GSA/4.1.0.31802 Mobile/11D257 Safari/9537.53", "Google App", "iOS", "Mobile")]
    [InlineData("Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko", "IE", "Windows", "Desktop")]
    [InlineData("Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; WOW64; Trident/5.0)", "IE", "Windows", "Desktop")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0", "Edge", "Windows", "Desktop")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Ubuntu Chromium/36.0.1985.125 Chrome/36.0.1985.125 Safari/537.36", "Chromium", "Linux", "Desktop")]
    [InlineData("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:31.0) Gecko/20100101 Firefox/31.0", "Firefox", "Linux", "Desktop")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36", "Chrome", "Android", "Mobile")]
    [InlineData("Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", "Chrome", "Android", "Tablet")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0", "Opera", "Windows", "Desktop")]
    [InlineData("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", "Chrome", "Chrome OS", "Desktop")]
    [InlineData("curl/8.5.0", "Other", "Other", "Other")]
    [InlineData("", "Other", "Other", "Other")]
    public void A_user_agent_reads_as_its_browser_os_and_device(string userAgent, string browser, string os, string device)
        => Assert.Equal(new UserAgentInfo(browser, os, device), UserAgentParser.Parse(userAgent));

    [Fact]
    public void Every_user_agent_the_simulator_draws_is_recognised_whole()
    {
        var agents = SimulatorUserAgents();
        Assert.True(agents.Count >= 50);
        Assert.All(agents, a =>
        {
            var info = UserAgentParser.Parse(a);
            Assert.DoesNotContain(UserAgentParser.Other, new[] { info.Browser, info.Os, info.Device });
        });
        // The built-in list spans the families analysts group by.
        var parsed = agents.Select(UserAgentParser.Parse).ToList();
        Assert.Superset(new HashSet<string> { "Chrome", "Firefox", "Safari", "IE", "Edge", "Chromium" }, parsed.Select(p => p.Browser).ToHashSet());
        Assert.Superset(new HashSet<string> { "Windows", "Mac OS X", "iOS", "Android", "Linux" }, parsed.Select(p => p.Os).ToHashSet());
        Assert.Superset(new HashSet<string> { "Desktop", "Mobile", "Tablet" }, parsed.Select(p => p.Device).ToHashSet());
    }

    [Fact]
    public void Any_text_parses_without_error_into_the_known_families()
        => Prop.ForAll(ArbMap.Default.ArbFor<string>().Filter(s => s is not null), IsKnown).QuickCheckThrowOnFailure();

    [Fact]
    public void Text_made_of_user_agent_tokens_in_any_order_parses_into_the_known_families_and_a_desktop_has_a_desktop_os()
    {
        string[] tokens = ["Mozilla/5.0 (", "Windows NT 6.1", "Windows Phone 10.0", "iPhone", "iPad", "Android 14", "Linux", "X11", "CrOS",
            "Macintosh; Intel Mac OS X 10_9_4", "like Mac OS X", "Mobile", "Tablet", "Chrome/36.0", "Chromium/36.0", "CriOS/1",
            "Firefox/31.0", "FxiOS/1", "Safari/537.36", "Version/7.0", "Edg/124", "OPR/110", "Trident/7.0", "MSIE 9.0", "GSA/4.1",
            "SamsungBrowser/24", ")", "; ", " ", "é", "\u0000"];
        var text = Gen.ArrayOf(Gen.Elements(tokens)).Select(parts => string.Concat(parts));
        Prop.ForAll(text.ToArbitrary(), agent =>
        {
            var info = UserAgentParser.Parse(agent);
            return IsKnown(agent) && (info.Device != UserAgentParser.Desktop || info.Os is "Windows" or "Mac OS X" or "Linux" or "Chrome OS");
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>The simulator's built-in user agents (its embedded table: agent, tab, weight), eventsim's among them.</summary>
    private static List<string> SimulatorUserAgents()
    {
        using var table = typeof(Rhythmic.Simulator.Simulation).Assembly.GetManifestResourceStream("simulator/user-agents.tsv")!;
        using var reader = new StreamReader(table);
        return reader.ReadToEnd().Split('\n').Where(l => l.Trim().Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')[0]).ToList();
    }

    private static bool IsKnown(string agent)
    {
        var info = UserAgentParser.Parse(agent);
        return UserAgentParser.BrowserFamilies.Contains(info.Browser) && UserAgentParser.OsFamilies.Contains(info.Os)
            && UserAgentParser.DeviceClasses.Contains(info.Device);
    }
}
