using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Rhythmic.Testing;

/// <summary>A logger that keeps every entry with its structured values (time, level, rendered message, template values), for tests that check what a log line says.</summary>
public sealed class CapturingLogger : ILogger
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    /// <summary>Everything logged so far, in order.</summary>
    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    /// <summary>Whether some entry at <paramref name="level"/> contains <paramref name="text"/>.</summary>
    public bool Has(LogLevel level, string text) => _entries.Any(e => e.Level == level && e.Message.Contains(text, StringComparison.Ordinal));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IReadOnlyList<KeyValuePair<string, object?>> pairs
            ? pairs.Where(p => p.Key != "{OriginalFormat}").ToDictionary(p => p.Key, p => p.Value)
            : [];
        _entries.Enqueue(new CapturedLog(DateTime.UtcNow, logLevel, formatter(state, exception), values));
    }
}

/// <summary>One entry of a <see cref="CapturingLogger"/>.</summary>
public sealed record CapturedLog(DateTime At, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Values);
