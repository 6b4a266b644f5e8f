using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Observability;
using Rhythmic.Serving.Jobs;
using Rhythmic.Serving.Dashboard;
using Rhythmic.Serving.Views;

namespace Rhythmic.Serving;

/// <summary>
/// The serving host: the HTTP API (health, metrics, and the layers' endpoints). <c>rhythmic serve</c> runs it alone;
/// <c>rhythmic up</c> runs it with every layer's background services added.
/// </summary>
public static class ServingHost
{
    private static readonly string ApiDocsPage = Rhythmic.Core.SqlResources.Read(typeof(ServingHost).Assembly, "openapi/index.html");

    /// <summary>
    /// Builds the web application; <paramref name="configure"/> adds services (the layers' workers) before it is built.
    /// The owner's data source is <paramref name="dataSource"/> (the caller's, which it disposes) or one of its own.
    /// </summary>
    public static WebApplication Build(RhythmicSettings settings, Action<WebApplicationBuilder>? configure = null, NpgsqlDataSource? dataSource = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = settings.Home });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(RhythmicConfiguration.Build(settings.Home));
        builder.WebHost.UseUrls(settings.Serving.Urls);
        builder.Logging.AddRhythmicConsole(builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(MetricsRegistry.Default);
        // The process's data source as the owner (the layers' work, the admin's trigger), and a second for the API's
        // reads, as the read-only role.
        builder.Services.AddPlatformDataSource(dataSource);
        builder.Services.AddKeyedSingleton(ServingReads.Reader, (_, _) => ServingReads.CreateDataSource(settings.Postgres.EffectiveReaderConnectionString));
        builder.Services.AddSingleton<ServingReads>();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Rhythmic serving API";
            doc.Info.Description = "The lambda architecture's merged view: the warehouse (batch view) for loaded hours, the speed view for the rest.";
            return Task.CompletedTask;
        }));
        builder.Services.AddHangfireDashboard();
        configure?.Invoke(builder);

        var app = builder.Build();
        if (!settings.Postgres.HasReaderRole)
            app.Logger.LogWarning("Postgres:ReaderConnectionString is not set: the serving API reads with Postgres:ConnectionString, a role that may write; set it to a read-only role (migration 0500 creates rhythmic_reader)");
        app.MapGet("/health", async ([FromKeyedServices(ServingReads.Reader)] NpgsqlDataSource reader, CancellationToken ct) =>
        {
            try
            {
                await using var conn = await reader.OpenConnectionAsync(ct);
                return Results.Json(new { status = "ok", postgres = "ok" });
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                return Results.Json(new { status = "degraded", postgres = e.Message }, statusCode: 503);
            }
        });
        app.MapMetrics();
        app.MapDashboard(settings);
        app.MapViews();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapGet("/openapi", () => Results.Content(ApiDocsPage, "text/html; charset=utf-8")).ExcludeFromDescription();
        Jobs.JobsEndpoints.MapJobs(app, settings);
        app.MapHangfireDashboard(settings);
        return app;
    }
}
