using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Diagnostics.CodeAnalysis;
using System.Text.Unicode;
using Rhythmic.Core.Events;
using Field = Rhythmic.Core.Events.EventFieldId;

namespace Rhythmic.SpeedLayer.Parsing;

// The speed layer's fast path: a scanner over the common shape of an event (one flat object of scalars, no escapes)
// that checks everything TryParse checks but keeps only what the aggregates use, as slices of the message.
// Whatever it is not sure of (escapes, nesting, exponents, very long numbers, invalid UTF-8, any invalid event) it
// declines, and the caller falls back to TryParse (core's EventParser), which gives the verdict and the dead letter's
// reason. So it never accepts what TryParse refuses, and the values it returns are the ones TryParse would have stored:
// both apply the same rules (EventRules) to the same field table (EventSchema, through TopicLayout).
// It first classifies every byte of the message with vector instructions (where a string may stop, digits, where a
// number may end: see ByteClasses), so that finding the end of a string or checking a number is a few bit operations
// instead of a loop over its bytes; and it recognises a name by comparing it with the one that came next in the
// topic's previous message (see NameOrder) before looking it up.
/// <summary>
/// The speed layer's parser: <see cref="TryParseFields"/>, the allocation-free fast path, and <see cref="TryParse"/>,
/// core's <see cref="EventParser"/> for what it declines. One per thread.
/// </summary>
public sealed class SpeedParser
{
    private static readonly FieldType[] Types = [.. EventSchema.Fields.Select(f => f.Type)];
    private readonly EventParserOptions _options;
    private readonly EventParser _general;
    private long _nowMs;
    // The masks of ByteClasses for the message being scanned, reused from message to message.
    private uint[] _classes = new uint[3 * 32];
    // Per topic, the order of the names in its last message: the guess that the next one lists them the same way.
    private readonly NameOrder[] _orders = [.. Enumerable.Range(0, TopicLayout.Count).Select(_ => new NameOrder())];

    /// <summary>A parser with <paramref name="options"/> (defaults when null).</summary>
    public SpeedParser(EventParserOptions? options = null)
    {
        _options = options ?? new EventParserOptions();
        _general = new EventParser(_options);
        _nowMs = _options.Clock.GetUtcNow().ToUnixTimeMilliseconds();
    }

    /// <summary>The options in force.</summary>
    public EventParserOptions Options => _options;

    /// <summary>The general path (<see cref="EventParser.TryParse"/>): the verdict, and the reason, on what <see cref="TryParseFields"/> declines.</summary>
    public bool TryParse(string topic, ReadOnlySpan<byte> utf8Json, EventRecord record, [NotNullWhen(false)] out string? reason)
        => _general.TryParse(topic, utf8Json, record, out reason);

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
        var classes = ByteClasses.Of(utf8Json, ref _classes, out var ascii);
        // Valid UTF-8 as a whole means every string in it is (they are cut at ASCII quotes), so no per-field check.
        if (!ascii && !Utf8.IsValid(utf8Json)) return false;
        fields = default;
        var json = utf8Json;
        var order = _orders[layout.Index];
        int seen = 0, i = SkipWhitespace(json, 0);
        if (i >= json.Length || json[i] != '{') return false;
        i = SkipWhitespace(json, i + 1);
        for (var previous = NameOrder.Start; ; )
        {
            var field = order.Match(json, i, previous, out var tokenLength);
            if (field != NameOrder.NoMatch) i += tokenLength; // the guessed "name": came next
            else
            {
                if (i >= json.Length || json[i] != '"') return false;
                // A string ends at a quote; a backslash (escape) or a raw control character (invalid JSON) sends the event to TryParse.
                var nameEnd = classes.NextStop(i + 1);
                if (nameEnd < 0 || json[nameEnd] != '"') return false;
                field = EventSchema.FieldOf(json[(i + 1)..nameEnd]);
                if (field >= 0 && (layout.Allowed & (1 << field)) == 0) field = -1; // not this topic's: skipped, as TryParse does
                var colon = After(json, nameEnd + 1, (byte)':');
                if (colon < 0) return false;
                if (colon == nameEnd + 2) order.Learn(json, i, colon - i, field, previous);
                i = colon;
            }
            previous = field;
            i = SkipWhitespace(json, i);
            if (i >= json.Length) return false;
            var c = json[i];
            if (c == '"')
            {
                var start = i + 1;
                var stop = classes.NextStop(start);
                if (stop < 0 || json[stop] != '"') return false;
                i = stop + 1;
                if (field >= 0)
                {
                    // Without escapes, the bytes between the quotes are the value TryParse checks (most fields need only some).
                    if (Types[field] != FieldType.String) return false;
                    if ((EventRules.ListedStringFields & (1 << field)) == 0 ? stop == start : !EventRules.InDomain((Field)field, json[start..stop])) return false;
                    Keep(ref fields, (Field)field, new Utf8Slice(start, stop - start));
                    seen |= 1 << field;
                }
            }
            else if (c == '-' || (uint)(c - '0') <= 9)
            {
                var end = classes.NextNumberEnd(i);
                if (end < 0 || !classes.IsNumber(json, i, end, out var number)) return false;
                if (field >= 0)
                {
                    if (!KeepNumber(ref fields, (Field)field, json, number)) return false;
                    seen |= 1 << field;
                }
                i = end;
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

            var next = After(json, i, (byte)',');
            if (next >= 0) { i = SkipWhitespace(json, next); continue; }
            i = After(json, i, (byte)'}');
            if (i < 0) return false;
            break;
        }
        if (SkipWhitespace(json, i) != json.Length) return false;
        if ((layout.Required & ~seen) != 0) return false;
        fields.HasUserId = (seen & (1 << (int)Field.UserId)) != 0;
        fields.HasGender = (seen & (1 << (int)Field.Gender)) != 0;
        if (!TimestampInBounds(fields.Ts)) return false;
        var userAuth = layout.Index == TopicLayout.AuthIndex ? fields.Success : EventRules.IsUserAuth(fields.Auth.Of(json));
        var nextSong = layout.Index == TopicLayout.PageViewIndex && EventRules.IsNextSong(fields.Page.Of(json));
        return EventRules.CheckBetweenFields(layout, seen, fields.Ts, fields.Registration, userAuth, nextSong) == FieldMismatch.None;
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

    /// <summary>
    /// The position just past <paramref name="c"/> if it comes next in <paramref name="json"/> from <paramref name="i"/>,
    /// whitespace allowed before it; -1 otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int After(ReadOnlySpan<byte> json, int i, byte c)
    {
        if ((uint)i < (uint)json.Length && json[i] == c) return i + 1; // the compact form, first
        i = SkipWhitespace(json, i);
        return i < json.Length && json[i] == c ? i + 1 : -1;
    }

    /// <summary>Checks a number found by <see cref="ByteClasses.IsNumber"/> against its field's type and keeps the value if the aggregates use it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool KeepNumber(ref EventFields f, Field field, ReadOnlySpan<byte> json, in JsonNumber number)
    {
        switch (Types[(int)field])
        {
            case FieldType.Double:
                // Without an exponent, 100 characters are always a finite double.
                return number.End - number.Start <= 100 && SurelyInDomain(field, json, number);
            case FieldType.Long:
                // At most 18 digits: no overflow is possible.
                if (!number.Integral || number.IntegerEnd - number.DigitsStart > 18) return false;
                var integer = number.Integer(json);
                if (!EventRules.InDomain(field, integer)) return false;
                switch (field)
                {
                    case Field.Ts: f.Ts = integer; break;
                    case Field.SessionId: f.SessionId = integer; break;
                    case Field.UserId: f.UserId = integer; break;
                    case Field.Registration: f.Registration = integer; break;
                }
                return true;
            case FieldType.Int:
                // At most 10 digits, read as a long, and in range: the general parser's TryGetInt32 takes exactly these.
                if (!number.Integral || number.IntegerEnd - number.DigitsStart > 10) return false;
                var value = number.Integer(json);
                if (value is < int.MinValue or > int.MaxValue || !EventRules.InDomain(field, value)) return false;
                switch (field)
                {
                    case Field.ItemInSession: f.ItemInSession = (int)value; break;
                    case Field.Status: f.Status = (int)value; break;
                }
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// A number of JSON's grammar without exponent at [<see cref="Start"/>, <see cref="End"/>) of the message: an optional
    /// minus, its integer digits at [<see cref="DigitsStart"/>, <see cref="IntegerEnd"/>), then a fraction unless <see cref="Integral"/>.
    /// </summary>
    private readonly record struct JsonNumber(int Start, int DigitsStart, int IntegerEnd, int End)
    {
        public bool Integral => IntegerEnd == End;

        /// <summary>The value of an integral number (its digits are few enough not to overflow).</summary>
        public long Integer(ReadOnlySpan<byte> json)
        {
            long value = 0;
            var at = DigitsStart;
            for (; IntegerEnd - at >= 8; at += 8) value = value * 100_000_000 + EightDigits(BinaryPrimitives.ReadUInt64LittleEndian(json[at..]));
            var rest = IntegerEnd - at;
            if (rest > 0)
            {
                if (IntegerEnd >= 8)
                {
                    // The last digits as the end of the 8 bytes before IntegerEnd, the bytes ahead of them replaced by zeros.
                    var ahead = (1UL << (8 * (8 - rest))) - 1;
                    var word = (BinaryPrimitives.ReadUInt64LittleEndian(json[(IntegerEnd - 8)..]) & ~ahead) | (0x3030303030303030UL & ahead);
                    value = value * PowersOf10[rest] + EightDigits(word);
                }
                else
                    foreach (var d in json[at..IntegerEnd]) value = value * 10 + (d - '0');
            }
            return DigitsStart > Start ? -value : value;
        }

        /// <summary>Whether the fraction (if any) has no digit but zeros.</summary>
        public bool FractionIsZero(ReadOnlySpan<byte> json)
        {
            if (Integral) return true;
            foreach (var d in json[(IntegerEnd + 1)..End])
                if (d != '0') return false;
            return true;
        }

        /// <summary>The value of the integer digits alone, without sign (at most 6 of them: the caller checks).</summary>
        public long IntegerPart(ReadOnlySpan<byte> json)
        {
            long value = 0;
            foreach (var d in json[DigitsStart..IntegerEnd]) value = value * 10 + (d - '0');
            return value;
        }

        private static ReadOnlySpan<long> PowersOf10 => [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000];

        /// <summary>The value of eight ASCII digits read as a little-endian word (the first digit in the lowest byte), all at once.</summary>
        private static long EightDigits(ulong word)
        {
            word -= 0x3030303030303030UL;
            word = word * 10 + (word >> 8); // pairs of digits, in every other byte
            return (long)((((word & 0x000000FF000000FFUL) * (100 + (1_000_000UL << 32))) + (((word >> 16) & 0x000000FF000000FFUL) * (1 + (10_000UL << 32)))) >> 32);
        }
    }

    /// <summary>
    /// For each field, and for the start of the object, the name token (<c>"name":</c>, up to 16 bytes) that came next in
    /// the topic's last message, with the field it denotes. Messages of a topic mostly list their fields in the same
    /// order, so the next name is usually the guessed one, recognised by one vector comparison instead of being scanned
    /// and looked up. A guess only: a token is taken when its bytes are all there, and learned again when it is not.
    /// </summary>
    private sealed class NameOrder
    {
        /// <summary>What <see cref="Match"/> returns when another token (or none) comes next.</summary>
        public const int NoMatch = int.MinValue;
        /// <summary>The "previous field" at the start of the object.</summary>
        public const int Start = -2;

        // The first n bytes of a vector: Prefixes[n].
        private static readonly Vector128<byte>[] Prefixes = [.. Enumerable.Range(0, 17)
            .Select(n => Vector128.Create<byte>([.. Enumerable.Range(0, 16).Select(b => b < n ? (byte)0xFF : (byte)0)]))];

        // The guess after each field, by field + 2: the start of the object, a skipped field (-1), then the known ones.
        private readonly Token[] _next = new Token[EventSchema.Fields.Count + 2];

        /// <summary>
        /// The field (-1: a skipped one) of the token at <paramref name="i"/> if it is the one guessed to follow
        /// <paramref name="previous"/> (a field, -1 or <see cref="Start"/>), with its <paramref name="length"/>; else <see cref="NoMatch"/>.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Match(ReadOnlySpan<byte> json, int i, int previous, out int length)
        {
            ref readonly var t = ref _next[previous + 2];
            length = t.Length;
            if (length == 0 || i > json.Length - 16) return NoMatch;
            var v = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(json), (nuint)i);
            return (v & Prefixes[length]) == t.Bytes ? t.Field : NoMatch;
        }

        /// <summary>Guesses that the token of <paramref name="length"/> bytes at <paramref name="i"/>, denoting <paramref name="field"/>, follows <paramref name="previous"/>.</summary>
        public void Learn(ReadOnlySpan<byte> json, int i, int length, int field, int previous)
        {
            if (length > 16 || i > json.Length - 16) return;
            var v = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(json), (nuint)i);
            _next[previous + 2] = new Token(v & Prefixes[length], length, field);
        }

        /// <summary>A token's bytes (zero-padded), its length and the field it denotes.</summary>
        private readonly record struct Token(Vector128<byte> Bytes, int Length, int Field);
    }

    /// <summary>
    /// Three facts about every byte of a message, one bit per byte (bit <c>i % 32</c> of word <c>i / 32</c>; bits past the
    /// end are clear), found 32 bytes at a time: stops (a quote, a backslash or a control character: where a string may
    /// end or must be declined), digits, and number ends (a comma, a closing brace, a space or a control character, which
    /// includes the other whitespace).
    /// </summary>
    private readonly ref struct ByteClasses
    {
        private readonly ReadOnlySpan<uint> _stops, _digits, _ends;

        private ByteClasses(ReadOnlySpan<uint> stops, ReadOnlySpan<uint> digits, ReadOnlySpan<uint> ends)
        {
            _stops = stops;
            _digits = digits;
            _ends = ends;
        }

        /// <summary>Classifies <paramref name="json"/> into <paramref name="buffer"/> (grown if needed); <paramref name="ascii"/> when no byte is 0x80 or above.</summary>
        public static ByteClasses Of(ReadOnlySpan<byte> json, ref uint[] buffer, out bool ascii)
        {
            var words = (json.Length + 31) >> 5;
            if (buffer.Length < 3 * words) buffer = new uint[Math.Max(3 * words, 2 * buffer.Length)];
            var stops = buffer.AsSpan(0, words);
            var digits = buffer.AsSpan(words, words);
            var ends = buffer.AsSpan(2 * words, words);
            var high = Vector256<byte>.Zero;
            ref var at = ref MemoryMarshal.GetReference(json);
            var whole = json.Length >> 5;
            for (var w = 0; w < whole; w++)
            {
                var v = Vector256.LoadUnsafe(ref at, (nuint)(w * 32));
                high |= v;
                Classify(v, out stops[w], out digits[w], out ends[w]);
            }
            var rest = json.Length & 31;
            if (rest > 0)
            {
                Vector256<byte> v;
                int shift;
                if (whole > 0)
                {
                    // The last 32 bytes, overlapping the ones already classified: their bits are shifted out.
                    v = Vector256.LoadUnsafe(ref at, (nuint)(json.Length - 32));
                    shift = 32 - rest;
                }
                else
                {
                    // A message shorter than a vector, zero-padded: the padding's bits are cleared.
                    Span<byte> padded = stackalloc byte[32];
                    padded.Clear();
                    json.CopyTo(padded);
                    v = Vector256.Create<byte>(padded);
                    shift = 0;
                }
                high |= v;
                Classify(v, out var s, out var d, out var e);
                var keep = (1u << rest) - 1;
                stops[whole] = (s >> shift) & keep;
                digits[whole] = (d >> shift) & keep;
                ends[whole] = (e >> shift) & keep;
            }
            ascii = high.ExtractMostSignificantBits() == 0;
            return new ByteClasses(stops, digits, ends);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Classify(Vector256<byte> v, out uint stops, out uint digits, out uint ends)
        {
            var control = Vector256.LessThan(v, Vector256.Create((byte)0x20));
            stops = (Vector256.Equals(v, Vector256.Create((byte)'"')) | Vector256.Equals(v, Vector256.Create((byte)'\\')) | control).ExtractMostSignificantBits();
            digits = Vector256.LessThan(v - Vector256.Create((byte)'0'), Vector256.Create((byte)10)).ExtractMostSignificantBits();
            // Whitespace, and the other control characters too: a number followed by one of those is refused after it anyway.
            ends = (Vector256.Equals(v, Vector256.Create((byte)',')) | Vector256.Equals(v, Vector256.Create((byte)'}'))
                | Vector256.Equals(v, Vector256.Create((byte)' ')) | control).ExtractMostSignificantBits();
        }

        /// <summary>The first stop at or after <paramref name="from"/>, or -1.</summary>
        public int NextStop(int from) => NextSet(_stops, from);

        /// <summary>The first comma, closing brace, space or control character at or after <paramref name="from"/>, or -1.</summary>
        public int NextNumberEnd(int from) => NextSet(_ends, from);

        /// <summary>
        /// Whether [<paramref name="start"/>, <paramref name="end"/>) is a number of JSON's grammar without exponent:
        /// <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?</c>.
        /// </summary>
        public bool IsNumber(ReadOnlySpan<byte> json, int start, int end, out JsonNumber number)
        {
            number = default;
            var digits = json[start] == '-' ? start + 1 : start;
            var integerEnd = NextNonDigit(digits, end);
            if (integerEnd == digits || (json[digits] == '0' && integerEnd > digits + 1)) return false;
            number = new JsonNumber(start, digits, integerEnd, end);
            if (integerEnd == end) return true;
            if (json[integerEnd] != '.') return false;
            var fractionEnd = NextNonDigit(integerEnd + 1, end);
            return fractionEnd == end && fractionEnd > integerEnd + 1;
        }

        /// <summary>The first byte at or after <paramref name="from"/> that is not a digit, or <paramref name="limit"/> if that comes first.</summary>
        private int NextNonDigit(int from, int limit)
        {
            var w = from >> 5;
            if (w >= _digits.Length) return limit;
            var bits = ~_digits[w] & (uint.MaxValue << (from & 31));
            while (bits == 0)
            {
                if (++w >= _digits.Length) return limit;
                bits = ~_digits[w];
            }
            return Math.Min((w << 5) + BitOperations.TrailingZeroCount(bits), limit);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int NextSet(ReadOnlySpan<uint> mask, int from)
        {
            var w = from >> 5;
            if (w >= mask.Length) return -1;
            var bits = mask[w] & (uint.MaxValue << (from & 31));
            while (bits == 0)
            {
                if (++w >= mask.Length) return -1;
                bits = mask[w];
            }
            return (w << 5) + BitOperations.TrailingZeroCount(bits);
        }
    }

    /// <summary>
    /// The fast path's check of a number field (JSON's grammar without exponent, at most 100 characters) without parsing
    /// it: from its sign, its integer digits (fewer than 7) and whether its fraction is all zeros. The bounds are whole
    /// numbers, so this is exact but for a fraction so close to a bound that the double rounds onto it: such a number is
    /// declined here and TryParse, parsing it, gives the verdict. It never accepts what <see cref="EventRules.InDomain(EventFieldId, double)"/> refuses.
    /// </summary>
    private static bool SurelyInDomain(Field f, ReadOnlySpan<byte> json, in JsonNumber number)
    {
        if (number.IntegerEnd - number.DigitsStart > 6) return false;
        var integer = number.IntegerPart(json);
        return f switch
        {
            Field.Lat => WithinBound(integer, (long)EventDomains.MaxLatitude, json, number),
            Field.Lon => WithinBound(integer, (long)EventDomains.MaxLongitude, json, number),
            // Positive: at least 1, or a fraction with a non-zero digit (100 characters cannot underflow a double).
            Field.Duration => number.DigitsStart == number.Start && (integer >= 1 || !number.FractionIsZero(json))
                && WithinBound(integer, (long)EventDomains.MaxDurationSeconds, json, number),
            _ => true,
        };

        // |value| < integer + 1 <= bound, or |value| is the bound itself.
        static bool WithinBound(long integer, long bound, ReadOnlySpan<byte> json, in JsonNumber number)
            => integer < bound || (integer == bound && number.FractionIsZero(json));
    }

    private static bool KeepBool(ref EventFields f, int field, bool value, ref int seen)
    {
        if (field < 0) return true;
        if (Types[field] != FieldType.Bool) return false;
        if ((Field)field == Field.Success) f.Success = value;
        seen |= 1 << field;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
