using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;
using Rhythmic.Orchestration;

namespace Rhythmic.Serving.Jobs;

/// <summary>
/// The scheduler over HTTP: <c>GET /api/jobs</c> (jobs, schedules, next and last runs), <c>GET /api/jobs/history</c>
/// (<c>?job=J&amp;failed=true&amp;limit=N</c>), and <c>POST /api/jobs/{job}/trigger</c> (<c>?hour=2024-03-09T22</c> for
/// reconcile), which needs <c>Authorization: Bearer &lt;Serving:AdminToken&gt;</c> and is disabled while no token is set.
/// The reads go through the read-only role; only the trigger, which queues a Hangfire job (a write to hangfire.*),
/// uses the owner's connection, and only once the admin token has been checked.
/// </summary>
public static class JobsEndpoints
{
    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder app, RhythmicSettings settings)
    {
        var token = new AdminToken(settings.Serving.AdminToken);
        var reads = new JobsControl(app.ServiceProvider.GetRequiredKeyedService<NpgsqlDataSource>(Views.ServingReads.Reader), readOnly: true);
        var admin = new Lazy<JobsControl>(() => new JobsControl(app.ServiceProvider.GetRequiredService<NpgsqlDataSource>()));
        app.MapGet("/api/jobs", async (CancellationToken ct) => Results.Json(await reads.ListAsync(ct)));
        app.MapGet("/api/jobs/history", async (string? job, bool? failed, int? limit, CancellationToken ct) =>
            job is not null && !JobNames.IsKnown(job)
                ? Results.Json(new { error = $"unknown job '{job}'" }, statusCode: 404)
                : Results.Json(await reads.HistoryAsync(job, failed ?? false, Math.Clamp(limit ?? 100, 1, 1000), ct)));
        app.MapPost("/api/jobs/{job}/trigger", async (string job, [FromQuery] string[]? hour, HttpContext http, CancellationToken ct) =>
        {
            if (!token.Configured)
                return Results.Json(new { error = "triggering is disabled: set Serving:AdminToken" }, statusCode: 403);
            if (!token.MatchesBearer(http.Request.Headers.Authorization.ToString()))
                return Results.Json(new { error = "a valid 'Authorization: Bearer <Serving:AdminToken>' header is required" }, statusCode: 401);
            if (!JobNames.IsKnown(job))
                return Results.Json(new { error = $"unknown job '{job}' (jobs: {string.Join(", ", JobNames.All)})" }, statusCode: 404);
            var hours = new List<DateTime>();
            foreach (var h in hour ?? [])
            {
                if (!IsoTime.TryParseHour(h, out var t))
                    return Results.Json(new { error = $"hour '{h}' is not an ISO 8601 date-time" }, statusCode: 400);
                hours.Add(t);
            }
            try
            {
                var id = await admin.Value.TriggerAsync(job, hours, ct);
                return Results.Json(new { queued = job, jobId = id }, statusCode: 202);
            }
            catch (RhythmicException e)
            {
                return Results.Json(new { error = e.Message }, statusCode: 409);
            }
        });
        return app;
    }
}
