using System.Text.Json.Nodes;
using Npgsql;
using Rhythmic.Testing;

namespace Rhythmic.Superset.Tests;

/// <summary>
/// Every dataset and every chart's query, run as the read-only role Superset connects as, against a migrated database
/// with a simulated lake loaded into the warehouse and the speed view of the same events.
/// </summary>
public sealed class DatasetQueryTests
{
    private static SupersetAssets A => SupersetAssets.Current;

    private sealed record Result(IReadOnlyList<(string Name, string Type)> Columns, IReadOnlyList<object?[]> Rows);

    private static async Task<Result> QueryAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(i => (reader.GetName(i), reader.GetDataTypeName(i))).ToList();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            reader.GetValues(row!);
            rows.Add(row.Select(v => v is DBNull ? null : v).ToArray());
        }
        return new Result(columns, rows);
    }

    private static async Task<Result> RunAsync(string cs, string sql, string what)
    {
        try { return await QueryAsync(cs, sql); }
        catch (PostgresException e) { throw new InvalidOperationException($"{what}: {e.MessageText}\n{sql}", e); }
    }

    [Fact]
    public async Task Every_dataset_returns_rows_with_exactly_its_declared_columns_and_types_and_its_metrics_compute_as_the_reader()
    {
        var (_, reader) = await LoadedPlatform.ConnectionStringsAsync();
        foreach (var dataset in A.Datasets)
        {
            var result = await RunAsync(reader, $"select * from {ChartQuery.Source(dataset)} limit 1000", dataset.Path);
            Assert.True(result.Rows.Count > 0, $"{dataset.Path} returns no rows");
            var declared = dataset.Content["columns"]!.AsArray().Select(c => c!.AsObject()).ToList();
            var physical = declared.Where(c => c["expression"] is null)
                .Select(c => (c["column_name"]!.GetValue<string>(), c["type"]!.GetValue<string>().ToLowerInvariant())).ToList();
            Assert.Equal(physical.Order(), result.Columns.Order());

            var metrics = dataset.Content["metrics"]!.AsArray().Select(m => m!.AsObject())
                .Select(m => $"{m["expression"]!.GetValue<string>()} as \"{m["metric_name"]!.GetValue<string>()}\"");
            var totals = await RunAsync(reader, $"select {string.Join(", ", metrics)} from {ChartQuery.Source(dataset)}", dataset.Path + " (metrics)");
            Assert.All(Assert.Single(totals.Rows), v => Assert.NotNull(v));

            var expressions = declared.Where(c => c["expression"] is not null).Select(c => c["column_name"]!.GetValue<string>()).ToList();
            if (expressions.Count == 0) continue;
            var computed = await RunAsync(reader,
                $"select {string.Join(", ", expressions.Select(e => ChartQuery.ColumnSql(dataset, e) + $" as \"{e}\""))} from {ChartQuery.Source(dataset)} limit 10",
                dataset.Path + " (expression columns)");
            Assert.All(computed.Rows, r => Assert.All(r, v => Assert.NotNull(v)));
        }
    }

    [Fact]
    public async Task Every_chart_query_returns_rows_with_every_column_and_metric_it_shows()
    {
        var (_, reader) = await LoadedPlatform.ConnectionStringsAsync();
        foreach (var chart in A.Charts)
        {
            var q = ChartQuery.Of(chart);
            var result = await RunAsync(reader, q.Sql(A.DatasetOf(chart)), chart.Path);
            Assert.True(result.Rows.Count > 0, $"{chart.Path} returns no rows");
            var names = result.Columns.Select(c => c.Name).ToList();
            Assert.All(q.Dimensions.Concat(q.Metrics).Concat(q.XAxis is null ? [] : [q.XAxis]), n => Assert.Contains(n, names));
            foreach (var metric in q.Metrics)
                Assert.Contains(result.Rows, r => r[names.IndexOf(metric)] is not null);
        }
    }

    [Fact]
    public async Task The_dashboards_averages_and_user_counts_equal_the_warehouses_analyst_functions()
    {
        var (owner, reader) = await LoadedPlatform.ConnectionStringsAsync();
        var day = LoadedPlatform.From.UtcDateTime.Date;
        var (from, to) = ($"'{day:yyyy-MM-dd}'", $"'{day.AddDays(1):yyyy-MM-dd}'");

        async Task<string> Rows(string cs, string sql) => string.Join(";", (await RunAsync(cs, sql, sql)).Rows.Select(r => string.Join("|", r)));
        async Task<string> Metric(string dataset, string metric, string groupBy, string where, bool round = true)
        {
            var d = A.Datasets.Single(x => x.Str("table_name") == dataset);
            var expression = d.Content["metrics"]!.AsArray().Single(m => m!["metric_name"]!.GetValue<string>() == metric)!["expression"]!.GetValue<string>();
            var select = groupBy.Length > 0 ? $"{groupBy}, " : "";
            var group = groupBy.Length > 0 ? $" group by {groupBy} order by {groupBy}" : "";
            return await Rows(reader, $"select {select}{(round ? $"round({expression}, 3)" : expression)} from {ChartQuery.Source(d)} where {where}{group}");
        }

        Assert.Equal(await Rows(owner, $"select avg_songs from dw.songs_per_user_per_day({from}, {to})"),
            await Metric("agg_user_day", "songs_per_user_day", "", $"day >= {from} and day < {to}"));
        Assert.Equal(await Rows(owner, $"select avg_songs from dw.songs_per_session({from}, {to})"),
            await Metric("agg_session_hour", "songs_per_session", "", $"hour >= {from} and hour < {to}"));
        Assert.Equal(await Rows(owner, $"select gender, level, users from dw.users_by_gender_level({from}, {to}) order by gender, level"),
            await Metric("agg_user_day", "users", "gender, level", $"day >= {from} and day < {to}", round: false));
        Assert.Equal(await Rows(owner, $"select sum(plays) from dw.plays('hour', {from}, {to})"),
            await Rows(reader, $"select sum(listens) from serving.listens_minute where minute >= {from} and minute < {to}"));
    }
}
