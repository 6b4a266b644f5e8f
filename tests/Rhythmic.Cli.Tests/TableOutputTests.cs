using System.Text.Json;
using Rhythmic.Cli.Output;

namespace Rhythmic.Cli.Tests;

/// <summary>The one table printer of the verbs: aligned plain lines for pipes, a JSON array for scripts.</summary>
public sealed class TableOutputTests
{
    private static TableOutput Sample() => new TableOutput("job", "next run (UTC)", "rows", "error")
        .Row("incremental-load", new DateTime(2026, 3, 2, 10, 5, 0, DateTimeKind.Utc), 1234L, null)
        .Row("full-load", null, null, TableOutput.Colored("line one\nline two \u001b[31mred", "red"));

    [Fact]
    public void Plain_lines_are_aligned_one_per_row_without_control_characters()
    {
        var lines = Sample().ToPlain().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
        [
            "job               next run (UTC)       rows  error",
            "incremental-load  2026-03-02 10:05:00  1234",
            "full-load                                    line one line two  [31mred",
        ], lines);
    }

    [Fact]
    public void Json_is_an_array_of_objects_keyed_by_the_columns_in_snake_case()
    {
        using var doc = JsonDocument.Parse(Sample().ToJson());
        var rows = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal("incremental-load", rows[0].GetProperty("job").GetString());
        Assert.Equal(new DateTime(2026, 3, 2, 10, 5, 0, DateTimeKind.Utc), rows[0].GetProperty("next_run_utc").GetDateTime().ToUniversalTime());
        Assert.Equal(1234, rows[0].GetProperty("rows").GetInt64());
        Assert.Equal(JsonValueKind.Null, rows[1].GetProperty("rows").ValueKind);
        Assert.Equal("line one\nline two \u001b[31mred", rows[1].GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("next run (UTC)", "next_run_utc")]
    [InlineData("detail / error", "detail_error")]
    [InlineData("events/s", "events_s")]
    [InlineData("busy core-s (loader)", "busy_core_s_loader")]
    public void Column_names_become_json_keys(string column, string key) => Assert.Equal(key, TableOutput.JsonKey(column));

    [Fact]
    public void A_row_must_have_a_cell_per_column() => Assert.Throws<ArgumentException>(() => new TableOutput("a", "b").Row("only one"));

    [Fact]
    public void A_shown_cell_keeps_its_value_for_json_and_its_text_for_people()
    {
        var table = new TableOutput("hours").Row(TableOutput.Shown(new[] { 1, 2, 3 }, "3 hours"));
        Assert.Equal("hours\n3 hours\n", table.ToPlain());
        using var doc = JsonDocument.Parse(table.ToJson());
        Assert.Equal(3, doc.RootElement[0].GetProperty("hours").GetArrayLength());
    }
}
