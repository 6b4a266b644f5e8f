using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Observability;
using Rhythmic.Platform;

namespace Rhythmic.Cli;

/// <summary>What every verb starts from: the platform's configuration (the same as the running platform's) and logging.</summary>
internal sealed class CliContext : IDisposable
{
    public RhythmicSettings Settings { get; }
    public IConfiguration Configuration { get; }
    public ILoggerFactory LoggerFactory { get; }

    private CliContext(RhythmicSettings settings, IConfiguration configuration)
    {
        Settings = settings;
        Configuration = configuration;
        LoggerFactory = LoggingSetup.CreateFactory(configuration);
    }

    /// <summary>Loads and validates the configuration (throws a RhythmicException naming any bad key).</summary>
    public static CliContext Load()
    {
        var home = RhythmicConfiguration.FindHome();
        var configuration = RhythmicConfiguration.Build(home);
        return new CliContext(RhythmicConfiguration.Bind(configuration, home), configuration);
    }

    public ILogger Logger(string category) => LoggerFactory.CreateLogger(category);

    private NpgsqlDataSource? _dataSource;

    /// <summary>
    /// The process's one data source on the platform's database (the owner role), made at first use: after
    /// <see cref="PrepareDatabaseAsync"/>, since the embedded cluster's password is made at its first start.
    /// </summary>
    public NpgsqlDataSource DataSource => _dataSource ??= PlatformDataSource.Create(Settings);

    /// <summary>
    /// Prepares the platform's database (starting the embedded cluster if it is not running, applying every layer's
    /// migrations); returns the cluster this call started (the caller stops it), or null.
    /// </summary>
    public Task<EmbeddedPostgres?> PrepareDatabaseAsync(ILogger log, CancellationToken ct)
        => PlatformDatabase.PrepareAsync(Settings, () => DataSource, PlatformMigrations.All, log, ct);

    /// <summary>A token cancelled by Ctrl-C or SIGTERM.</summary>
    public static CancellationToken ShutdownToken(CancellationToken invocation)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(invocation);
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cts.Cancel();
        return cts.Token;
    }

    /// <summary>
    /// Runs a long-lived verb until Ctrl-C: prepares the platform's database first (starting the embedded cluster if it
    /// is not running, applying migrations) and stops that cluster afterwards if this call started it.
    /// </summary>
    public Task<int> RunWithDatabaseAsync(string category, CancellationToken invocation, Func<ILogger, CancellationToken, Task> body)
        => RunWithDatabaseAsync(category, invocation, async (log, ct) =>
        {
            await body(log, ct);
            return 0;
        });

    /// <summary>Runs a verb on the prepared database, as above; its exit code is <paramref name="body"/>'s.</summary>
    public async Task<int> RunWithDatabaseAsync(string category, CancellationToken invocation, Func<ILogger, CancellationToken, Task<int>> body)
    {
        var ct = ShutdownToken(invocation);
        var log = Logger(category);
        var startedPg = await PrepareDatabaseAsync(log, ct);
        try
        {
            return await body(log, ct);
        }
        finally
        {
            if (startedPg is not null) await startedPg.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Hosts a layer's background services until <paramref name="ct"/>; with <paramref name="metricsUrl"/>, also serves its /metrics there.</summary>
    public async Task RunWorkersAsync(Action<IServiceCollection> addWorkers, string? metricsUrl, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(metricsUrl))
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.AddRhythmicConsole(Configuration);
            builder.Services.AddSingleton(Settings);
            builder.Services.AddPlatformDataSource(DataSource);
            addWorkers(builder.Services);
            await builder.Build().RunAsync(ct);
            return;
        }
        var web = WebApplication.CreateSlimBuilder();
        web.WebHost.UseUrls(metricsUrl);
        web.Logging.AddRhythmicConsole(Configuration);
        web.Services.AddSingleton(Settings);
        web.Services.AddPlatformDataSource(DataSource);
        addWorkers(web.Services);
        var app = web.Build();
        app.MapMetrics();
        await app.RunAsync(ct);
    }

    /// <summary>The option that lets a standalone service serve its own Prometheus metrics.</summary>
    public static Option<string?> MetricsUrlOption() => new("--metrics-url")
    {
        Description = "Serve Prometheus metrics on this URL's /metrics (e.g. http://127.0.0.1:8481); by default only logs report them.",
    };

    public void Dispose()
    {
        _dataSource?.Dispose();
        LoggerFactory.Dispose();
    }
}
