using System.CommandLine;
using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace Rhythmic.Cli.Output;

/// <summary>How a verb prints its results.</summary>
internal enum OutputMode
{
    /// <summary>A Spectre table (borders, colours, the terminal's width).</summary>
    Terminal,
    /// <summary>Stdout is a pipe or a file: a header line and one unwrapped line per row, columns aligned, no ANSI codes.</summary>
    Plain,
    /// <summary><c>--json</c>: one JSON array of objects (keys are the column names in snake_case), nothing else on stdout.</summary>
    Json,
}

/// <summary>
/// A verb's table, printed the way its reader needs it: a Spectre table on a terminal, plain aligned lines when stdout
/// is redirected (so <c>rhythmic jobs list | grep incremental-load</c> finds one whole line), a JSON array with
/// <c>--json</c>. Usage: <c>new TableOutput("job", "rows").Row("full-load", 12).Write(TableOutput.ModeOf(json))</c>.
/// </summary>
internal sealed class TableOutput(params string[] columns)
{
    private readonly List<Cell[]> _rows = [];

    /// <summary>The <c>--json</c> option of a table-printing verb.</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "Print a JSON array of objects (for scripts) instead of a table." };

    /// <summary>The mode: JSON when asked for, plain lines when stdout is not a terminal, else a table.</summary>
    public static OutputMode ModeOf(bool json) => json ? OutputMode.Json : Console.IsOutputRedirected ? OutputMode.Plain : OutputMode.Terminal;

    /// <summary>A cell shown in <paramref name="color"/> (a Spectre colour name) on a terminal, plain elsewhere.</summary>
    public static Cell Colored(string? text, string color) => new(text, text ?? "", color);

    /// <summary>A cell whose JSON value (<paramref name="value"/>) differs from its text (<paramref name="text"/>).</summary>
    public static Cell Shown(object? value, string text) => new(value, text, null);

    /// <summary>
    /// Adds a row, one value per column: a string, a number, a DateTime (shown as UTC yyyy-MM-dd HH:mm:ss, ISO 8601 in
    /// JSON), null (empty; null in JSON), a list (JSON array), or a <see cref="Cell"/>.
    /// </summary>
    public TableOutput Row(params object?[] cells)
    {
        if (cells.Length != columns.Length)
            throw new ArgumentException($"A row of {cells.Length} cells for {columns.Length} columns ({string.Join(", ", columns)}).", nameof(cells));
        _rows.Add(cells.Select(c => c as Cell ?? new Cell(c, Text(c), null)).ToArray());
        return this;
    }

    /// <summary>Rows added so far.</summary>
    public int Count => _rows.Count;

    /// <summary>Prints the table to stdout (<see cref="AnsiConsole"/> on a terminal) or to <paramref name="writer"/>.</summary>
    public void Write(OutputMode mode, TextWriter? writer = null)
    {
        switch (mode)
        {
            case OutputMode.Json:
                (writer ?? Console.Out).WriteLine(ToJson());
                break;
            case OutputMode.Plain:
                (writer ?? Console.Out).Write(ToPlain());
                break;
            default:
                var table = new Table().AddColumns(columns.Select(Markup.Escape).ToArray());
                foreach (var row in _rows)
                    table.AddRow(row.Select(c => c.Color is null ? Markup.Escape(c.Text) : $"[{c.Color}]{Markup.Escape(c.Text)}[/]").ToArray());
                if (writer is null) AnsiConsole.Write(table);
                else AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) }).Write(table);
                break;
        }
    }

    /// <summary>A header line and one line per row, columns padded to their widest cell and two spaces apart.</summary>
    internal string ToPlain()
    {
        var lines = new List<string[]> { columns };
        lines.AddRange(_rows.Select(r => r.Select(c => OneLine(c.Text)).ToArray()));
        var widths = Enumerable.Range(0, columns.Length).Select(i => lines.Max(l => l[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            var sb = new StringBuilder();
            for (var i = 0; i < line.Length; i++)
            {
                if (i > 0) sb.Append("  ");
                sb.Append(i == line.Length - 1 ? line[i] : line[i].PadRight(widths[i]));
            }
            text.Append(sb.ToString().TrimEnd()).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>A JSON array with one object per row.</summary>
    internal string ToJson()
    {
        var keys = columns.Select(JsonKey).ToArray();
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var row in _rows)
            {
                json.WriteStartObject();
                for (var i = 0; i < keys.Length; i++)
                {
                    json.WritePropertyName(keys[i]);
                    WriteValue(json, row[i].Value);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>"next run (UTC)" becomes next_run_utc.</summary>
    internal static string JsonKey(string column)
    {
        var sb = new StringBuilder();
        foreach (var ch in column.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(ch)) sb.Append(ch);
            else if (sb.Length > 0 && sb[^1] != '_') sb.Append('_');
        }
        return sb.ToString().TrimEnd('_');
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case string s: json.WriteStringValue(s); break;
            case bool b: json.WriteBooleanValue(b); break;
            case DateTime t: json.WriteStringValue(t.Kind == DateTimeKind.Unspecified ? t : t.ToUniversalTime()); break;
            case DateTimeOffset t: json.WriteStringValue(t.ToUniversalTime()); break;
            case int or long or short or byte or uint or ulong: json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case double d: json.WriteNumberValue(d); break;
            case float f: json.WriteNumberValue(f); break;
            case decimal m: json.WriteNumberValue(m); break;
            case IEnumerable list:
                json.WriteStartArray();
                foreach (var item in list) WriteValue(json, item);
                json.WriteEndArray();
                break;
            default: json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        DateTime t => (t.Kind == DateTimeKind.Unspecified ? t : t.ToUniversalTime()).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable list => string.Join(", ", list.Cast<object?>().Select(Text)),
        _ => value.ToString() ?? "",
    };

    /// <summary>A cell's text on one line, without control characters (an error message may hold newlines or escapes).</summary>
    private static string OneLine(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text) sb.Append(char.IsControl(ch) ? ' ' : ch);
        return sb.ToString();
    }
}

/// <summary>One cell: its JSON value, its text, and its colour on a terminal.</summary>
internal sealed record Cell(object? Value, string Text, string? Color);

/// <summary>The console the CLI's other output (status lines, progress) goes through.</summary>
internal static class CliConsole
{
    /// <summary>
    /// Points Spectre at the current stdout; when stdout is not a terminal, without ANSI codes, colours or animations
    /// (a status spinner or progress bar then prints nothing), and wide enough never to fold a line.
    /// </summary>
    public static void Configure()
    {
        var redirected = Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected) console.Profile.Width = 4096;
        AnsiConsole.Console = console;
    }
}
