using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Rhythmic.Serving.Jobs;

/// <summary>
/// The admin token (<c>Serving:AdminToken</c>) that writing requests need: given as <c>Authorization: Bearer</c>, or,
/// for a browser on the Hangfire dashboard, as a cookie set by <c>POST /hangfire-login</c>. The cookie holds a
/// keyed hash of the token, never the token, and is SameSite=Strict, so another site cannot make a browser send it.
/// </summary>
internal sealed class AdminToken(string token)
{
    internal const string CookieName = "rhythmic_admin";

    /// <summary>Whether a token is configured: without one, nothing is writable.</summary>
    public bool Configured => token.Length > 0;

    /// <summary>Whether the request carries the token (header) or the cookie made from it.</summary>
    public bool Admits(HttpContext http)
        => Configured && (MatchesBearer(http.Request.Headers.Authorization.ToString())
            || (http.Request.Cookies.TryGetValue(CookieName, out var cookie) && Same(cookie, CookieValue())));

    /// <summary>Whether an <c>Authorization</c> header value is <c>Bearer &lt;token&gt;</c>.</summary>
    public bool MatchesBearer(string header)
    {
        const string scheme = "Bearer ";
        return Configured && header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && Same(header[scheme.Length..].Trim(), token);
    }

    /// <summary>Whether a token typed into the login form is the token.</summary>
    public bool Matches(string? given) => Configured && given is not null && Same(given.Trim(), token);

    /// <summary>The cookie's value: HMAC-SHA256 of a fixed label under the token.</summary>
    public string CookieValue() => Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(token), "rhythmic-dashboard-admin"u8));

    private static bool Same(string a, string b) => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
