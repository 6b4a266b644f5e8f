using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Rhythmic.Testing;

/// <summary>A logger that keeps every entry (time, level, rendered message, structured values) for a test to look at.</summary>
public sealed class ListLogger : ILogger
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    /// <summary>Everything logged so far, in order.</summary>
    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IReadOnlyList<KeyValuePair<string, object?>> pairs
            ? pairs.Where(p => p.Key != "{OriginalFormat}").ToDictionary(p => p.Key, p => p.Value)
            : [];
        _entries.Enqueue(new LogEntry(DateTime.UtcNow, logLevel, formatter(state, exception), values));
    }
}

/// <summary>One entry of a <see cref="ListLogger"/>.</summary>
public sealed record LogEntry(DateTime At, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Values);
