using System.Text.Json;
using Rhythmic.Core.Events;

namespace Rhythmic.Testing;

/// <summary>The fields of one simulated event that the serving API's expected figures need.</summary>
public sealed record RecordedEvent(string Topic, DateTime Ts, long? UserId, long SessionId, int ItemInSession, string Level, string? Gender,
    string State, string? Artist, string? Song, bool? Success);

/// <summary>Keeps every event written to it as a <see cref="RecordedEvent"/>.</summary>
public sealed class EventRecorder(List<RecordedEvent> events) : IEventSink
{
    public void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs)
    {
        using var doc = JsonDocument.Parse(json.ToArray());
        var e = doc.RootElement;
        string? Text(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        events.Add(new RecordedEvent(topic, DateTime.UnixEpoch.AddMilliseconds(e.GetProperty("ts").GetInt64()),
            e.TryGetProperty("userId", out var u) ? u.GetInt64() : null, e.GetProperty("sessionId").GetInt64(),
            e.TryGetProperty("itemInSession", out var i) ? i.GetInt32() : -1, Text("level")!, Text("gender"), Text("state")!,
            Text("artist"), Text("song"), e.TryGetProperty("success", out var s) ? s.GetBoolean() : null));
    }

    public Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>What the serving API must answer for a metric, counted straight from the events (the tests' independent count).</summary>
public static class ExpectedFigures
{
    /// <summary>The events <paramref name="metric"/> counts, or its distinct logged-in users for active_users.</summary>
    public static long Of(string metric, IEnumerable<RecordedEvent> events) => metric switch
    {
        "plays" => events.Count(e => e.Topic == Topics.Listen),
        "page_views" => events.Count(e => e.Topic == Topics.PageView),
        "logins" => events.Count(e => e.Topic == Topics.Auth && e.Success == true),
        "failed_logins" => events.Count(e => e.Topic == Topics.Auth && e.Success == false),
        "sessions" => events.Count(e => e.Topic == Topics.PageView && e.ItemInSession == 0),
        "level_changes" => events.Count(e => e.Topic == Topics.StatusChange),
        "active_users" => events.Where(e => e.UserId is not null).Select(e => e.UserId).Distinct().LongCount(),
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "not a metric of /api/history"),
    };
}
