using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Rhythmic.Core.Observability;

/// <summary>The one <c>/metrics</c> endpoint: the serving host and a standalone layer's <c>--metrics-url</c> both map it here.</summary>
public static class MetricsEndpoint
{
    /// <summary>Serves <see cref="MetricsRegistry.Default"/> as Prometheus text on <c>/metrics</c>.</summary>
    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder app)
        => app.MapGet("/metrics", () => Results.Text(MetricsRegistry.Default.Render(), "text/plain; version=0.0.4"));
}
