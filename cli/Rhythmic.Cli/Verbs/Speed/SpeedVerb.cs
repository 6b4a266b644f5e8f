using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Observability;
using Rhythmic.SpeedLayer.Hosting;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic speed</c>: one speed-layer instance (start several to share the partitions).</summary>
internal static class SpeedVerb
{
    public static Command Create()
    {
        var metricsUrl = new Option<string?>("--metrics-url")
        {
            Description = "Serve Prometheus metrics on this URL's /metrics (e.g. http://127.0.0.1:8481); by default only logs report them.",
        };
        var command = new Command("speed", "Run the speed layer (Kafka to per-minute aggregates in PostgreSQL), exactly once, until Ctrl-C.");
        command.Options.Add(metricsUrl);
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(metricsUrl), ct));
        return command;
    }

    private static async Task<int> RunAsync(string? metricsUrl, CancellationToken invocation)
    {
        using var ctx = CliContext.Load();
        var ct = CliContext.ShutdownToken(invocation);
        var log = ctx.Logger("Rhythmic.Speed");
        _ = RuntimeState.KafkaBootstrap(ctx.Settings); // fail now, with the fix, if there is no Kafka
        var startedPg = await PlatformDatabase.PrepareAsync(ctx.Settings, log, ct);
        try
        {
            if (string.IsNullOrWhiteSpace(metricsUrl))
            {
                var builder = Host.CreateApplicationBuilder();
                builder.Logging.AddRhythmicConsole(ctx.Configuration);
                builder.Services.AddSingleton(ctx.Settings);
                builder.Services.AddSpeedLayer();
                await builder.Build().RunAsync(ct);
            }
            else
            {
                var builder = WebApplication.CreateSlimBuilder();
                builder.WebHost.UseUrls(metricsUrl);
                builder.Logging.AddRhythmicConsole(ctx.Configuration);
                builder.Services.AddSingleton(ctx.Settings);
                builder.Services.AddSpeedLayer();
                var app = builder.Build();
                app.MapGet("/metrics", () => Results.Text(MetricsRegistry.Default.Render(), "text/plain; version=0.0.4"));
                await app.RunAsync(ct);
            }
            return 0;
        }
        finally
        {
            if (startedPg is not null) await startedPg.StopAsync(CancellationToken.None);
        }
    }
}
