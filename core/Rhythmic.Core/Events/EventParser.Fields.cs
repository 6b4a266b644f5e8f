using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Unicode;

namespace Rhythmic.Core.Events;

// The speed layer's fast path: a scanner over the common shape of an event (one flat object of scalars, no escapes)
// that checks everything TryParse checks but keeps only what the aggregates use, as slices of the message.
// Whatever it is not sure of (escapes, nesting, exponents, very long numbers, invalid UTF-8, any invalid event) it
// declines, and the caller falls back to TryParse, which gives the verdict and the dead letter's reason. So it never
// accepts what TryParse refuses, and the values it returns are the ones TryParse would have stored.
public sealed partial class EventParser
{
    // A string ends at a quote; a backslash (escape) or a raw control character (invalid JSON) sends the event to TryParse.
    private static readonly SearchValues<byte> StringStops = SearchValues.Create(
        [(byte)'"', (byte)'\\', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);

    /// <summary>
    /// Parses and validates <paramref name="utf8Json"/> read from <paramref name="topic"/> like <see cref="TryParse"/>,
    /// without allocating: numbers into <paramref name="fields"/>, the aggregated strings as slices of the message.
    /// Returns false when the event is invalid or merely unusual (escaped strings, nested values...): call
    /// <see cref="TryParse"/> then for the verdict and the reason.
    /// </summary>
    public bool TryParseFields(string topic, ReadOnlySpan<byte> utf8Json, ref EventFields fields)
    {
        var layout = TopicLayout.Of(topic);
        if (layout is null || utf8Json.IsEmpty || (_options.MaxMessageBytes > 0 && utf8Json.Length > _options.MaxMessageBytes)) return false;
        // Valid UTF-8 as a whole means every string in it is (they are cut at ASCII quotes), so no per-field check.
        if (!Utf8.IsValid(utf8Json)) return false;
        fields = default;
        var json = utf8Json;
        int seen = 0, i = SkipWhitespace(json, 0);
        if (i >= json.Length || json[i] != '{') return false;
        i = SkipWhitespace(json, i + 1);
        while (true)
        {
            if (i >= json.Length || json[i] != '"') return false;
            var nameStart = i + 1;
            var nameLength = json[nameStart..].IndexOfAny(StringStops);
            if (nameLength < 0 || json[nameStart + nameLength] != '"') return false;
            var field = FieldOf(json.Slice(nameStart, nameLength));
            if (field >= 0 && (layout.Allowed & (1 << field)) == 0) field = -1; // not this topic's: skipped, as TryParse does
            i = SkipWhitespace(json, nameStart + nameLength + 1);
            if (i >= json.Length || json[i] != ':') return false;
            i = SkipWhitespace(json, i + 1);
            if (i >= json.Length) return false;
            var c = json[i];
            if (c == '"')
            {
                var start = i + 1;
                var length = json[start..].IndexOfAny(StringStops);
                if (length < 0 || json[start + length] != '"') return false;
                i = start + length + 1;
                if (field >= 0)
                {
                    if (Types[field] != FieldType.String) return false;
                    Keep(ref fields, (Field)field, new Utf8Slice(start, length));
                    seen |= 1 << field;
                }
            }
            else if (c == '-' || (uint)(c - '0') <= 9)
            {
                var start = i;
                if (!ScanNumber(json, ref i, out var integral)) return false;
                if (field >= 0)
                {
                    if (!KeepNumber(ref fields, (Field)field, json[start..i], integral)) return false;
                    seen |= 1 << field;
                }
            }
            else if (c == 't' && json[i..].StartsWith("true"u8)) { i += 4; if (!KeepBool(ref fields, field, true, ref seen)) return false; }
            else if (c == 'f' && json[i..].StartsWith("false"u8)) { i += 5; if (!KeepBool(ref fields, field, false, ref seen)) return false; }
            else if (c == 'n' && json[i..].StartsWith("null"u8))
            {
                i += 4;
                // A null optional field counts as absent (and leaves an earlier value alone, as TryParse does).
                if (field >= 0 && (layout.Required & (1 << field)) != 0) return false;
            }
            else return false; // objects, arrays, invalid tokens: TryParse's business

            i = SkipWhitespace(json, i);
            if (i >= json.Length) return false;
            if (json[i] == ',') { i = SkipWhitespace(json, i + 1); continue; }
            if (json[i] != '}') return false;
            break;
        }
        if (SkipWhitespace(json, i + 1) != json.Length) return false;
        if ((layout.Required & ~seen) != 0) return false;
        fields.HasUserId = (seen & (1 << (int)Field.UserId)) != 0;
        fields.HasGender = (seen & (1 << (int)Field.Gender)) != 0;
        return TimestampInBounds(fields.Ts);
    }

    private bool TimestampInBounds(long ts)
    {
        if (ts < _options.MinTimestampMs) return false;
        var limit = (long)_options.MaxFutureSeconds * 1000;
        if (ts - _nowMs <= limit) return true;
        _nowMs = _options.Clock.GetUtcNow().ToUnixTimeMilliseconds(); // the cached clock only lags the real one
        return ts - _nowMs <= limit;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r') i++;
        return i;
    }

    /// <summary>Moves past a number of JSON's grammar; <paramref name="integral"/> when it has no fraction and no exponent.</summary>
    private static bool ScanNumber(ReadOnlySpan<byte> json, ref int i, out bool integral)
    {
        integral = true;
        if (json[i] == '-') i++;
        if (i >= json.Length) return false;
        if (json[i] == '0') i++;
        else if ((uint)(json[i] - '1') <= 8) { i++; while (i < json.Length && (uint)(json[i] - '0') <= 9) i++; }
        else return false;
        if (i < json.Length && json[i] == '.')
        {
            integral = false;
            if (++i >= json.Length || (uint)(json[i] - '0') > 9) return false;
            while (i < json.Length && (uint)(json[i] - '0') <= 9) i++;
        }
        if (i < json.Length && (json[i] | 0x20) == 'e') return false; // exponents may overflow a double: TryParse decides
        return true;
    }

    private static bool KeepNumber(ref EventFields f, Field field, ReadOnlySpan<byte> number, bool integral)
    {
        switch (Types[(int)field])
        {
            case FieldType.Double:
                return number.Length <= 100; // without an exponent, 100 characters are always a finite double
            case FieldType.Long:
            {
                if (!integral || !Integer(number, 18, out var value)) return false;
                switch (field)
                {
                    case Field.Ts: f.Ts = value; break;
                    case Field.SessionId: f.SessionId = value; break;
                    case Field.UserId: f.UserId = value; break;
                }
                return true;
            }
            case FieldType.Int:
            {
                if (!integral || !Integer(number, 9, out var value)) return false;
                switch (field)
                {
                    case Field.ItemInSession: f.ItemInSession = (int)value; break;
                    case Field.Status: f.Status = (int)value; break;
                }
                return true;
            }
            default:
                return false;
        }
    }

    /// <summary>An optional minus and at most <paramref name="maxDigits"/> digits (so no overflow is possible).</summary>
    private static bool Integer(ReadOnlySpan<byte> number, int maxDigits, out long value)
    {
        value = 0;
        var negative = number[0] == '-';
        var digits = negative ? number[1..] : number;
        if (digits.Length > maxDigits) return false;
        foreach (var d in digits) value = value * 10 + (d - '0');
        if (negative) value = -value;
        return true;
    }

    private static bool KeepBool(ref EventFields f, int field, bool value, ref int seen)
    {
        if (field < 0) return true;
        if (Types[field] != FieldType.Bool) return false;
        if ((Field)field == Field.Success) f.Success = value;
        seen |= 1 << field;
        return true;
    }

    private static void Keep(ref EventFields f, Field field, Utf8Slice value)
    {
        switch (field)
        {
            case Field.Level: f.Level = value; break;
            case Field.State: f.State = value; break;
            case Field.Gender: f.Gender = value; break;
            case Field.Artist: f.Artist = value; break;
            case Field.Song: f.Song = value; break;
            case Field.Page: f.Page = value; break;
            case Field.Auth: f.Auth = value; break;
        }
    }
}
