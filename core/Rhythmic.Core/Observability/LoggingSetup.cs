using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Rhythmic.Core.Observability;

/// <summary>One logging setup for every verb: single-line console logs, or JSON lines when Logging:Console:FormatterName is "json".</summary>
public static class LoggingSetup
{
    public static ILoggingBuilder AddRhythmicConsole(this ILoggingBuilder logging, IConfiguration configuration)
    {
        logging.ClearProviders();
        logging.AddConfiguration(configuration.GetSection("Logging"));
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        logging.AddFilter("Quartz", LogLevel.Warning);
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; o.UseUtcTimestamp = true; });
        logging.AddJsonConsole(o => { o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; o.UseUtcTimestamp = true; });
        return logging;
    }

    /// <summary>A logger factory for verbs that run without a host.</summary>
    public static ILoggerFactory CreateFactory(IConfiguration configuration) => LoggerFactory.Create(b => b.AddRhythmicConsole(configuration));
}
