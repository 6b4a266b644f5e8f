namespace Rhythmic.Warehouse.UserAgents;

/// <summary>What dim_user_agent tells of a user agent: its browser family, operating system family and device class.</summary>
internal readonly record struct UserAgentInfo(string Browser, string Os, string Device);

/// <summary>
/// Reads a browser's User-Agent string into the families analysts group by (dw.dim_user_agent's browser, os, device).
/// Rules are ordered tokens, first match wins: browsers name their engine's ancestors too (Chrome says "Safari/", Edge
/// says "Chrome/", iOS says "like Mac OS X", Android says "Linux"), so the more specific token comes first. Total: any
/// text gets an answer, "Other" where no rule matches.
/// </summary>
internal static class UserAgentParser
{
    public const string Other = "Other";
    public const string Desktop = "Desktop", Mobile = "Mobile", Tablet = "Tablet";

    private static readonly (string Token, string Browser)[] Browsers =
    [
        ("Edg/", "Edge"), ("Edge/", "Edge"), ("EdgA/", "Edge"), ("EdgiOS/", "Edge"),
        ("OPR/", "Opera"), ("Opera", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("MSIE ", "IE"), ("Trident/", "IE"),
        ("GSA/", "Google App"),        // the Google app's web view on iOS (eventsim's list calls it "Google Search Appliance")
        ("Chromium/", "Chromium"),
        ("CriOS/", "Chrome"), ("Chrome/", "Chrome"),
        ("FxiOS/", "Firefox"), ("Firefox/", "Firefox"),
        ("Safari/", "Safari"),
    ];

    private static readonly (string Token, string Os)[] Systems =
    [
        ("Windows Phone", "Windows Phone"), ("Windows", "Windows"),
        ("iPhone", "iOS"), ("iPad", "iOS"), ("iPod", "iOS"),
        ("Android", "Android"),
        ("CrOS", "Chrome OS"),
        ("Mac OS X", "Mac OS X"), ("Macintosh", "Mac OS X"),
        ("Linux", "Linux"), ("X11", "Linux"),
    ];

    private static readonly (string Token, string Device)[] Devices =
    [
        ("iPad", Tablet), ("Tablet", Tablet),
        ("iPhone", Mobile), ("iPod", Mobile), ("Windows Phone", Mobile), ("Mobile", Mobile),
        ("Android", Tablet),           // an Android browser without "Mobile" runs on a tablet (Google's convention)
    ];

    /// <summary>The operating systems of desktop computers: a user agent on one of them, and no mobile token, is a desktop.</summary>
    private static readonly string[] DesktopSystems = ["Windows", "Mac OS X", "Linux", "Chrome OS"];

    /// <summary>Every browser family <see cref="Parse"/> gives.</summary>
    public static IReadOnlyList<string> BrowserFamilies { get; } = [.. Browsers.Select(b => b.Browser).Distinct(), Other];

    /// <summary>Every operating system family <see cref="Parse"/> gives.</summary>
    public static IReadOnlyList<string> OsFamilies { get; } = [.. Systems.Select(s => s.Os).Distinct(), Other];

    /// <summary>Every device class <see cref="Parse"/> gives.</summary>
    public static IReadOnlyList<string> DeviceClasses { get; } = [Desktop, Mobile, Tablet, Other];

    /// <summary>The families of <paramref name="userAgent"/>; "Other" for each one no rule recognises.</summary>
    public static UserAgentInfo Parse(string userAgent)
    {
        var os = First(Systems, userAgent) ?? Other;
        var device = First(Devices, userAgent) ?? (DesktopSystems.Contains(os) ? Desktop : Other);
        return new UserAgentInfo(First(Browsers, userAgent) ?? Other, os, device);
    }

    private static string? First((string Token, string Value)[] rules, string text)
    {
        foreach (var (token, value) in rules)
            if (text.Contains(token, StringComparison.Ordinal)) return value;
        return null;
    }
}
