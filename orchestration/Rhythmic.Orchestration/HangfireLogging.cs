using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Logging;
using Microsoft.Extensions.Logging;

namespace Rhythmic.Orchestration;

/// <summary>
/// Routes Hangfire's logging (one provider for the whole process) to a host's <see cref="ILoggerFactory"/>. A host
/// that stopped disposes its factory while Hangfire, process-wide, may still log (a test process hosts many): such a
/// message is dropped rather than thrown into Hangfire's workers.
/// </summary>
public static class HangfireLogging
{
    /// <summary>Makes <paramref name="loggerFactory"/> Hangfire's log from now on.</summary>
    public static void Use(ILoggerFactory loggerFactory)
        => GlobalConfiguration.Configuration.UseLogProvider(new Provider(new AspNetCoreLogProvider(loggerFactory)));

    private sealed class Provider(ILogProvider inner) : ILogProvider
    {
        public ILog GetLogger(string name) => new SafeLog(inner, name);
    }

    private sealed class SafeLog(ILogProvider provider, string name) : ILog
    {
        private ILog? _inner;

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            try
            {
                _inner ??= provider.GetLogger(name);
                return _inner.Log(logLevel, messageFunc, exception);
            }
            catch (ObjectDisposedException)
            {
                return false; // the host this factory belonged to has stopped
            }
        }
    }
}
