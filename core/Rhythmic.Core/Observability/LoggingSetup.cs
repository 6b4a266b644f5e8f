using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Rhythmic.Core.Observability;

/// <summary>
/// One logging setup for every verb: structured single-line logs on standard error, or JSON lines when
/// Logging:Console:FormatterName is "json" (startup.sh sets it for the platform's log file).
/// </summary>
public static class LoggingSetup
{
    public static ILoggingBuilder AddRhythmicConsole(this ILoggingBuilder logging, IConfiguration configuration)
    {
        var formatter = configuration["Logging:Console:FormatterName"] is { Length: > 0 } name ? name : ConsoleFormatterNames.Simple;
        logging.ClearProviders();
        logging.AddConfiguration(configuration.GetSection("Logging"));
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        logging.AddFilter("Hangfire", LogLevel.Warning);
        logging.AddConsole(o => { o.FormatterName = formatter; o.LogToStandardErrorThreshold = LogLevel.Trace; });
        logging.Services.Configure<SimpleConsoleFormatterOptions>(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; o.UseUtcTimestamp = true; });
        logging.Services.Configure<JsonConsoleFormatterOptions>(o => { o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; o.UseUtcTimestamp = true; });
        return logging;
    }

    /// <summary>A logger factory for verbs that run without a host.</summary>
    public static ILoggerFactory CreateFactory(IConfiguration configuration) => LoggerFactory.Create(b => b.AddRhythmicConsole(configuration));
}
