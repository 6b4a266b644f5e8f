using Microsoft.Extensions.Logging;

namespace Rhythmic.SpeedLayer.Tests;

/// <summary>Writes a test's consumer logs to the file named by $RHYTHMIC_TEST_LOG (for diagnosing a failing test), else nowhere.</summary>
internal sealed class FileLogger(string name) : ILogger
{
    private static readonly string? Path = Environment.GetEnvironmentVariable("RHYTHMIC_TEST_LOG");
    private static readonly Lock Gate = new();

    public static ILogger For(string name) => Path is null ? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance : new FileLogger(name);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Gate) File.AppendAllText(Path!, $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {name}: {formatter(state, exception)} {exception}\n");
    }
}

/// <summary>Logs to two loggers.</summary>
internal sealed class TeeLogger(ILogger first, ILogger second) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => first.IsEnabled(logLevel) || second.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        first.Log(logLevel, eventId, state, exception, formatter);
        second.Log(logLevel, eventId, state, exception, formatter);
    }
}
