using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Field = Rhythmic.Core.Events.EventFieldId;

namespace Rhythmic.Core.Events;

/// <summary>Limits an <see cref="EventParser"/> applies beyond the schema.</summary>
public sealed class EventParserOptions
{
    /// <summary>Events stamped more than this many seconds ahead of the clock are rejected (default one day).</summary>
    public int MaxFutureSeconds { get; set; } = 86_400;
    /// <summary>Events stamped before this (epoch ms UTC) are rejected (default 2000-01-01T00:00:00Z).</summary>
    public long MinTimestampMs { get; set; } = 946_684_800_000;
    /// <summary>Messages longer than this many bytes are rejected; 0 for no limit (default 64 KiB).</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;
    /// <summary>The clock "in the future" is measured against.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;
}

/// <summary>
/// Parses one event's eventsim JSON (design.md §2) into a reusable <see cref="EventRecord"/> and validates it against
/// <see cref="EventSchema.For"/>: required fields present and of the right JSON type, every value in its field's domain
/// (<see cref="EventDomains"/>), the rules between fields kept (user fields all or none, as auth says; NextSong fields on
/// NextSong page views only; registration not after ts), <c>ts</c> within bounds, size within the limit. Unknown fields
/// are ignored; a null optional field counts as absent. On failure it returns a human reason fit for a dead letter,
/// naming the field and its value. One parser per thread: it owns a string cache, so repeated values cost no allocation.
/// The speed layer's allocation-free fast path (Rhythmic.SpeedLayer's <c>SpeedParser</c>) applies the same rules
/// (<see cref="EventRules"/>) and leaves to this parser whatever it declines.
/// </summary>
public sealed partial class EventParser
{
    private readonly EventParserOptions _options;
    private readonly Utf8StringCache _strings;
    private long _nowMs;

    /// <summary>A parser with <paramref name="options"/> (defaults when null).</summary>
    public EventParser(EventParserOptions? options = null, Utf8StringCache? strings = null)
    {
        _options = options ?? new EventParserOptions();
        _strings = strings ?? new Utf8StringCache();
        _nowMs = _options.Clock.GetUtcNow().ToUnixTimeMilliseconds();
    }

    /// <summary>The options in force.</summary>
    public EventParserOptions Options => _options;

    /// <summary>
    /// Parses <paramref name="utf8Json"/> read from <paramref name="topic"/> into <paramref name="record"/>.
    /// Returns false with <paramref name="reason"/> (e.g. "missing required field 'ts'") when the event is invalid.
    /// </summary>
    public bool TryParse(string topic, ReadOnlySpan<byte> utf8Json, EventRecord record, [NotNullWhen(false)] out string? reason)
    {
        var layout = TopicLayout.Of(topic);
        if (layout is null) { reason = $"unknown topic '{topic}'"; return false; }
        record.Reset();
        record.Topic = layout.Topic;
        if (_options.MaxMessageBytes > 0 && utf8Json.Length > _options.MaxMessageBytes)
        {
            reason = $"message of {utf8Json.Length} bytes exceeds the limit of {_options.MaxMessageBytes} bytes";
            return false;
        }

        if (utf8Json.IsEmpty) { reason = "empty message"; return false; }
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 16 });
        int seen = 0;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                reason = $"malformed event: expected a JSON object, found {reader.TokenType}";
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = FieldOf(ref reader);
                reader.Read();
                if (field < 0 || (layout.Allowed & (1 << field)) == 0)
                {
                    reader.Skip();
                    continue;
                }
                if (reader.TokenType == JsonTokenType.Null)
                {
                    if ((layout.Required & (1 << field)) != 0) { reason = TypeReason(field, "null"); return false; }
                    continue;
                }
                reason = Assign(ref reader, (Field)field, record);
                if (reason is not null) return false;
                seen |= 1 << field;
            }
            // Anything after the closing brace but whitespace is an error the reader reports here.
            if (reader.Read()) { reason = $"malformed JSON at byte {reader.TokenStartIndex}: unexpected content after the event"; return false; }
        }
        catch (JsonException e)
        {
            reason = $"malformed JSON at byte {e.BytePositionInLine ?? reader.BytesConsumed}: {FirstSentence(e.Message)}";
            return false;
        }
        // CopyString of an escaped name or value throws InvalidOperationException on invalid UTF-8 (found by FastPathTests).
        catch (Exception e) when (e is DecoderFallbackException or InvalidOperationException)
        {
            reason = $"malformed JSON at byte {reader.TokenStartIndex}: string is not valid UTF-8";
            return false;
        }

        var missing = layout.Required & ~seen;
        if (missing != 0)
        {
            reason = $"missing required field '{Names[System.Numerics.BitOperations.TrailingZeroCount(missing)]}'";
            return false;
        }
        if (!CheckTimestamp(record.Ts, out reason)) return false;
        var userAuth = layout.Index == TopicLayout.AuthIndex ? record.Success == true : EventDomains.UserAuthSet.Contains(record.Auth);
        var mismatch = EventRules.CheckBetweenFields(layout, seen, record.Ts, record.Registration ?? 0, userAuth, record.Page == EventDomains.NextSong);
        if (mismatch == FieldMismatch.None) return true;
        reason = MismatchReason(mismatch, layout, seen, record);
        return false;
    }

    private bool CheckTimestamp(long ts, [NotNullWhen(false)] out string? reason)
    {
        if (ts < _options.MinTimestampMs)
        {
            reason = $"ts {Iso(ts)} is before the earliest accepted time {Iso(_options.MinTimestampMs)}";
            return false;
        }
        var limit = (long)_options.MaxFutureSeconds * 1000;
        // The cached clock only lags the real one, so refresh it before rejecting.
        if (ts - _nowMs > limit)
        {
            _nowMs = _options.Clock.GetUtcNow().ToUnixTimeMilliseconds();
            if (ts - _nowMs > limit)
            {
                reason = $"ts {Iso(ts)} is more than {_options.MaxFutureSeconds} s in the future";
                return false;
            }
        }
        reason = null;
        return true;
    }

    /// <summary>Stores the value at <paramref name="reader"/> into <paramref name="r"/>; the reason when it is of the wrong type or outside its domain.</summary>
    private string? Assign(ref Utf8JsonReader reader, Field field, EventRecord r)
    {
        switch (Types[(int)field])
        {
            case FieldType.Long:
                if (!Long(ref reader, out var l)) break;
                if (!EventRules.InDomain(field, l)) return DomainReason(field, l);
                switch (field)
                {
                    case Field.Ts: r.Ts = l; break;
                    case Field.SessionId: r.SessionId = l; break;
                    case Field.UserId: r.UserId = l; break;
                    case Field.Registration: r.Registration = l; break;
                }
                return null;
            case FieldType.Int:
                if (!Int(ref reader, out var n)) break;
                if (!EventRules.InDomain(field, n)) return DomainReason(field, n);
                if (field == Field.ItemInSession) r.ItemInSession = n;
                else r.Status = n;
                return null;
            case FieldType.Double:
                if (!Double(ref reader, out var d)) break;
                if (!EventRules.InDomain(field, d)) return DomainReason(field, d);
                switch (field)
                {
                    case Field.Lon: r.Lon = d; break;
                    case Field.Lat: r.Lat = d; break;
                    case Field.Duration: r.Duration = d; break;
                }
                return null;
            case FieldType.Bool:
                if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False)) break;
                r.Success = reader.TokenType == JsonTokenType.True;
                return null;
            default:
                if (reader.TokenType != JsonTokenType.String) break;
                var s = String(ref reader, field, out var inDomain);
                if (!inDomain) return DomainReason(field, s);
                switch (field)
                {
                    case Field.Level: r.Level = s; break;
                    case Field.City: r.City = s; break;
                    case Field.Zip: r.Zip = s; break;
                    case Field.State: r.State = s; break;
                    case Field.UserAgent: r.UserAgent = s; break;
                    case Field.FirstName: r.FirstName = s; break;
                    case Field.LastName: r.LastName = s; break;
                    case Field.Gender: r.Gender = s; break;
                    case Field.Artist: r.Artist = s; break;
                    case Field.Song: r.Song = s; break;
                    case Field.Auth: r.Auth = s; break;
                    case Field.Page: r.Page = s; break;
                    case Field.Method: r.Method = s; break;
                }
                return null;
        }
        return TypeReason((int)field, Describe(reader.TokenType));
    }

    private static bool Long(ref Utf8JsonReader reader, out long value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value);
    }

    private static bool Int(ref Utf8JsonReader reader, out int value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out value);
    }

    private static bool Double(ref Utf8JsonReader reader, out double value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out value);
    }

    /// <summary>The string at <paramref name="reader"/>, and whether its UTF-8 bytes (unescaped) lie in <paramref name="field"/>'s domain.</summary>
    private string String(ref Utf8JsonReader reader, Field field, out bool inDomain)
    {
        // The string is decoded first: invalid UTF-8 throws (and is reported as such) before its domain is looked at.
        string s;
        if (!reader.ValueIsEscaped)
        {
            s = _strings.Get(reader.ValueSpan);
            inDomain = EventRules.InDomain(field, reader.ValueSpan);
            return s;
        }
        if (reader.ValueSpan.Length > 1024)
        {
            s = reader.GetString()!;
            inDomain = EventRules.InDomain(field, Encoding.UTF8.GetBytes(s));
            return s;
        }
        Span<byte> buffer = stackalloc byte[1024];
        var n = reader.CopyString(buffer);
        s = _strings.Get(buffer[..n]);
        inDomain = EventRules.InDomain(field, buffer[..n]);
        return s;
    }

    /// <summary>The field a property name denotes, or -1 for an unknown one.</summary>
    private static int FieldOf(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped) return EventSchema.FieldOf(reader.ValueSpan);
        if (reader.ValueSpan.Length > 64) return -1;
        Span<byte> buffer = stackalloc byte[64];
        return EventSchema.FieldOf(buffer[..reader.CopyString(buffer)]);
    }

    private static string TypeReason(int field, string found)
        => $"field '{Names[field]}' must be {TypeName(Types[field])}, not {found}";

    private static string TypeName(FieldType t) => t switch
    {
        FieldType.Long => "an integer (64-bit)",
        FieldType.Int => "an integer (32-bit)",
        FieldType.Double => "a number",
        FieldType.String => "a string",
        _ => "a boolean",
    };

    private static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number out of range or with a fraction",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => t.ToString(),
    };

    private static string Iso(long ms)
        => ms is >= -62_135_596_800_000 and <= 253_402_300_799_999
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)
            : ms.ToString(CultureInfo.InvariantCulture) + " ms";

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }

    // The field tables, by EventFieldId, from the schema.
    private static readonly string[] Names = [.. EventSchema.Fields.Select(f => f.Name)];
    private static readonly FieldType[] Types = [.. EventSchema.Fields.Select(f => f.Type)];
}
