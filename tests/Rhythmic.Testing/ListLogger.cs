using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Rhythmic.Testing;

/// <summary>A logger that keeps what it was told, for tests that assert a log line was (or was not) written.</summary>
public sealed class ListLogger : ILogger
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();

    /// <summary>Every entry so far, oldest first.</summary>
    public IReadOnlyList<(LogLevel Level, string Message)> Entries => [.. _entries];

    /// <summary>Whether some entry at <paramref name="level"/> contains <paramref name="text"/>.</summary>
    public bool Has(LogLevel level, string text) => _entries.Any(e => e.Level == level && e.Message.Contains(text, StringComparison.Ordinal));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => _entries.Enqueue((logLevel, formatter(state, exception)));
}
