using System.Text.Json.Nodes;

namespace Rhythmic.Superset.Tests;

/// <summary>
/// What a chart asks of its dataset (the columns it groups, places or filters on and the saved metrics it shows), and
/// the query Superset would send for it: the dataset's table or virtual SQL as the FROM, expression columns inlined,
/// the x-axis truncated to the chart's time grain, grouped by every dimension.
/// </summary>
internal sealed class ChartQuery
{
    public required IReadOnlyList<string> Dimensions { get; init; }
    public required IReadOnlyList<string> Metrics { get; init; }
    public string? XAxis { get; init; }
    public string? TimeGrain { get; init; }
    public required IReadOnlyList<string> FilterColumns { get; init; }

    /// <summary>Every column the chart names (dimensions, x-axis, filters).</summary>
    public IEnumerable<string> Columns => Dimensions.Concat(XAxis is null ? [] : [XAxis]).Concat(FilterColumns).Distinct();

    private static readonly string[] ColumnLists = ["groupby", "columns", "all_columns"];
    private static readonly string[] ColumnKeys = ["entity", "series"];
    private static readonly string[] MetricLists = ["metrics", "percent_metrics"];
    private static readonly string[] MetricKeys = ["metric", "timeseries_limit_metric", "secondary_metric", "size", "x", "y"];

    public static ChartQuery Of(Asset chart)
    {
        var p = chart.Content["params"] as JsonObject ?? throw new InvalidDataException($"{chart.Path}: params missing");
        var dims = ColumnLists.SelectMany(k => Strings(p, chart, k))
            .Concat(ColumnKeys.Where(k => p[k] is not null).Select(k => p[k]!.GetValue<string>())).ToList();
        var metrics = MetricLists.SelectMany(k => Strings(p, chart, k)).ToList();
        foreach (var k in MetricKeys)
            if (p[k] is JsonNode m) metrics.Add(m is JsonValue mv && mv.TryGetValue<string>(out var s) ? s
                : throw new InvalidDataException($"{chart.Path}: params.{k} is not a saved metric's name (ad-hoc metrics are not used here)"));
        return new ChartQuery
        {
            Dimensions = dims.Distinct().ToList(), Metrics = metrics.Distinct().ToList(),
            XAxis = p["x_axis"]?.GetValue<string>() ?? p["granularity_sqla"]?.GetValue<string>(),
            TimeGrain = p["time_grain_sqla"]?.GetValue<string>(),
            FilterColumns = (p["adhoc_filters"] as JsonArray ?? []).Select(f => f!["subject"]!.GetValue<string>()).ToList(),
        };
    }

    private static IEnumerable<string> Strings(JsonObject p, Asset chart, string key)
        => (p[key] as JsonArray ?? []).Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s
            : throw new InvalidDataException($"{chart.Path}: params.{key} holds {n?.ToJsonString()}, not a column or saved metric name"));

    /// <summary>The FROM of <paramref name="dataset"/>: schema.table, or its virtual SQL as Superset wraps it.</summary>
    public static string Source(Asset dataset)
    {
        var sql = dataset.Str("sql");
        return sql is not null ? $"({sql.Trim().TrimEnd(';')}) as virtual_table" : $"{dataset.Str("schema")}.{dataset.Str("table_name")}";
    }

    /// <summary>A column's SQL: its expression when it has one, else its quoted name.</summary>
    public static string ColumnSql(Asset dataset, string name)
    {
        var column = (dataset.Content["columns"] as JsonArray ?? []).Select(c => c!.AsObject())
            .Single(c => c["column_name"]!.GetValue<string>() == name);
        return column["expression"]?.GetValue<string>() is { } e ? $"({e})" : $"\"{name}\"";
    }

    private static string MetricSql(Asset dataset, string name)
        => (dataset.Content["metrics"] as JsonArray ?? []).Select(m => m!.AsObject())
            .Single(m => m["metric_name"]!.GetValue<string>() == name)["expression"]!.GetValue<string>();

    private static string Truncate(string column, string? grain) => grain switch
    {
        null => column,
        "PT1S" => $"date_trunc('second', {column})",
        "PT1M" => $"date_trunc('minute', {column})",
        "PT1H" => $"date_trunc('hour', {column})",
        "P1D" => $"date_trunc('day', {column})",
        "P1W" => $"date_trunc('week', {column})",
        "P1M" => $"date_trunc('month', {column})",
        "P1Y" => $"date_trunc('year', {column})",
        _ => throw new InvalidDataException($"time grain {grain} is not one PostgreSQL's engine spec offers"),
    };

    /// <summary>The chart's query against <paramref name="dataset"/>, one output column per dimension and metric, named after it.</summary>
    public string Sql(Asset dataset)
    {
        var dims = new List<(string Sql, string Label)>();
        if (XAxis is not null && (Metrics.Count > 0 || Dimensions.Count > 0)) dims.Add((Truncate(ColumnSql(dataset, XAxis), TimeGrain), XAxis));
        dims.AddRange(Dimensions.Where(d => d != XAxis).Select(d => (ColumnSql(dataset, d), d)));
        var select = dims.Select(d => $"{d.Sql} as \"{d.Label}\"").Concat(Metrics.Select(m => $"{MetricSql(dataset, m)} as \"{m}\""));
        var groupBy = dims.Count > 0 && Metrics.Count > 0 ? " group by " + string.Join(", ", Enumerable.Range(1, dims.Count)) : "";
        var orderBy = Metrics.Count > 0 ? $" order by \"{Metrics[0]}\" desc nulls last" : "";
        return $"select {string.Join(", ", select)} from {Source(dataset)}{groupBy}{orderBy} limit 10000";
    }
}
