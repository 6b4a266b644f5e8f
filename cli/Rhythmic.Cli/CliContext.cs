using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Observability;

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

    /// <summary>A token cancelled by Ctrl-C or SIGTERM.</summary>
    public static CancellationToken ShutdownToken(CancellationToken invocation)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(invocation);
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cts.Cancel();
        return cts.Token;
    }

    public void Dispose() => LoggerFactory.Dispose();
}
