using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Rhythmic.Simulator.Json;

/// <summary>
/// The small pieces of hand-written JSON the event writer copies: fields are pre-encoded once (names, places,
/// songs are constant), so writing an event is a few memory copies and integer formats.
/// </summary>
internal static class JsonText
{
    /// <summary><c>"name":"value"</c> with JSON escaping; non-ASCII stays raw UTF-8.</summary>
    public static byte[] StringField(string name, string value, bool leadingComma = true)
    {
        var sb = new StringBuilder(name.Length + value.Length + 8);
        if (leadingComma) sb.Append(',');
        sb.Append('"').Append(name).Append("\":\"");
        Escape(sb, value);
        sb.Append('"');
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary><c>,"name":number</c> for a double (shortest round-trip form, always with a decimal point or exponent).</summary>
    public static byte[] DoubleField(string name, double value, bool leadingComma = true)
        => Encoding.UTF8.GetBytes((leadingComma ? "," : "") + "\"" + name + "\":" + FormatDouble(value));

    public static string FormatDouble(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), "JSON has no NaN or infinity.");
        var s = value.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.') || s.Contains('E') ? s : s + ".0";
    }

    public static byte[] Raw(string text) => Encoding.UTF8.GetBytes(text);

    public static void Escape(StringBuilder sb, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case < ' ': sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }
    }

    /// <summary>Copies <paramref name="bytes"/> at <paramref name="pos"/>.</summary>
    public static void Put(Span<byte> buffer, ref int pos, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer[pos..]);
        pos += bytes.Length;
    }

    public static void PutLong(Span<byte> buffer, ref int pos, long value)
    {
        Utf8Formatter.TryFormat(value, buffer[pos..], out var n);
        pos += n;
    }
}
