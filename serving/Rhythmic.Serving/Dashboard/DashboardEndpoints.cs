using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Rhythmic.Core.Configuration;

namespace Rhythmic.Serving.Dashboard;

/// <summary>
/// The dashboard: its own files (embedded in this assembly) at <c>/</c> and <c>/dashboard/*</c>, and the charting and
/// map libraries it uses at <c>/vendor/*</c>, read from <c>serving/web/node_modules</c> (npm, installed by setup.sh), so
/// nothing is fetched from the internet when the page runs.
/// </summary>
internal static class DashboardEndpoints
{
    private const string Missing = "is not installed: run ./setup.sh (it runs npm install --prefix serving/web)";

    /// <summary>The vendor files the page loads, by the name it asks for, and where npm puts them.</summary>
    private static readonly Dictionary<string, (string Path, string ContentType)> Vendor = new()
    {
        ["echarts.min.js"] = ("echarts/dist/echarts.min.js", "text/javascript; charset=utf-8"),
        ["topojson-client.min.js"] = ("topojson-client/dist/topojson-client.min.js", "text/javascript; charset=utf-8"),
        ["states-albers-10m.json"] = ("us-atlas/states-albers-10m.json", "application/json"),
    };

    private static readonly Dictionary<string, string> Types = new()
    {
        [".html"] = "text/html; charset=utf-8", [".js"] = "text/javascript; charset=utf-8", [".css"] = "text/css; charset=utf-8",
    };

    /// <summary>Maps the page, its files and the vendor libraries.</summary>
    public static void MapDashboard(this IEndpointRouteBuilder app, RhythmicSettings settings)
    {
        var files = typeof(DashboardEndpoints).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("dashboard/", StringComparison.Ordinal) && Types.ContainsKey(Path.GetExtension(n)))
            .ToDictionary(n => n["dashboard/".Length..], Read);
        var modules = NodeModules(settings.Home);

        app.MapGet("/", () => Results.Content(files["index.html"], Types[".html"])).ExcludeFromDescription();
        app.MapGet("/dashboard/{name}", (string name) => files.TryGetValue(name, out var text)
            ? Results.Content(text, Types[Path.GetExtension(name)])
            : Results.NotFound()).ExcludeFromDescription();
        app.MapGet("/vendor/{name}", (string name) =>
        {
            if (!Vendor.TryGetValue(name, out var file)) return Results.NotFound();
            var path = modules is null ? null : Path.Combine(modules, file.Path);
            return path is not null && File.Exists(path)
                ? Results.File(path, file.ContentType)
                : Results.Text($"{name} ({file.Path}) {Missing}", "text/plain; charset=utf-8", statusCode: 404);
        }).ExcludeFromDescription();
    }

    /// <summary>
    /// serving/web/node_modules under the home, else under the source tree this build came from (tests and tools run
    /// with a home of their own): the first that exists, or null.
    /// </summary>
    private static string? NodeModules(string home)
    {
        var candidates = new List<string> { home };
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Rhythmic.sln"))) { candidates.Add(dir.FullName); break; }
        return candidates.Select(c => Path.Combine(c, "serving", "web", "node_modules")).FirstOrDefault(Directory.Exists);
    }

    private static string Read(string resource) => Rhythmic.Core.SqlResources.Read(typeof(DashboardEndpoints).Assembly, resource);
}
