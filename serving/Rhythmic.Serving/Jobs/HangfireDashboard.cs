using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Rhythmic.Core.Configuration;
using Rhythmic.Orchestration;

namespace Rhythmic.Serving.Jobs;

/// <summary>
/// Hangfire's own dashboard at <c>/hangfire</c>: the recurring jobs, queued, running, retrying and failed jobs, the
/// servers. Without the admin token it is read-only and answers loopback requests only, reading Hangfire's storage as
/// the read-only role; with it (<c>Authorization: Bearer</c>, or the cookie <c>/hangfire-login</c> sets) its actions
/// (trigger, requeue, delete) work, through the owner's connection.
/// </summary>
public static class HangfireDashboard
{
    /// <summary>Where the dashboard is served.</summary>
    public const string Path = "/hangfire";
    private const string LoginPath = "/hangfire-login";

    /// <summary>The services Hangfire's dashboard middleware needs (its routes and configuration).</summary>
    public static IServiceCollection AddHangfireDashboard(this IServiceCollection services)
        => services.AddHangfire((provider, _) => HangfireLogging.Use(provider.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()));

    /// <summary>Serves the dashboard, the read-only one to everyone on loopback and the full one to the admin.</summary>
    public static WebApplication MapHangfireDashboard(this WebApplication app, RhythmicSettings settings)
    {
        var admin = new AdminToken(settings.Serving.AdminToken);
        // Neither storage touches the database before a page is asked for; Hangfire's servers create its tables.
        var ownerStorage = HangfireSetup.Storage(app.Services.GetRequiredService<NpgsqlDataSource>(), prepareSchema: false);
        var readerStorage = HangfireSetup.Storage(app.Services.GetRequiredKeyedService<NpgsqlDataSource>(Views.ServingReads.Reader), prepareSchema: false);

        app.MapGet(LoginPath, () => Results.Content(LoginPage(admin.Configured ? "" : "No admin token is configured (Serving:AdminToken): the dashboard is read-only."), "text/html; charset=utf-8"));
        app.MapPost(LoginPath, async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            if (!admin.Matches(form["token"]))
                return Results.Content(LoginPage("That is not the admin token."), "text/html; charset=utf-8", statusCode: 401);
            http.Response.Cookies.Append(AdminToken.CookieName, admin.CookieValue(), new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, Path = "/",
            });
            return Results.Redirect(Path);
        });

        app.UseWhen(http => http.Request.Path.StartsWithSegments(Path) && admin.Admits(http),
            branch => branch.UseHangfireDashboard(Path, Options(readOnly: false, new AdminAuthorization()), ownerStorage));
        app.UseHangfireDashboard(Path, Options(readOnly: true, new LocalRequestsOnlyAuthorizationFilter()), readerStorage);
        return app;
    }

    private static DashboardOptions Options(bool readOnly, IDashboardAuthorizationFilter authorization) => new()
    {
        DashboardTitle = readOnly ? "Rhythmic jobs (read-only)" : "Rhythmic jobs",
        AppPath = "/",
        Authorization = [authorization],
        IsReadOnlyFunc = _ => readOnly,
        DisplayStorageConnectionString = false,
    };

    /// <summary>The admin branch is entered only with the token checked.</summary>
    private sealed class AdminAuthorization : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => true;
    }

    private static string LoginPage(string message) => $$"""
        <!doctype html><html><head><meta charset="utf-8"><title>Rhythmic jobs: admin</title></head>
        <body style="font-family: sans-serif; margin: 2em">
        <h1>Hangfire dashboard: admin actions</h1>
        <p>{{System.Net.WebUtility.HtmlEncode(message)}}</p>
        <form method="post" action="{{LoginPath}}">
          <label>Admin token (Serving:AdminToken) <input type="password" name="token" autofocus></label>
          <button type="submit">Enable actions</button>
        </form>
        <p><a href="{{Path}}">Read-only dashboard</a></p>
        </body></html>
        """;
}
