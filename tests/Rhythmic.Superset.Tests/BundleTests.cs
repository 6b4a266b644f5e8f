using System.Text.Json.Nodes;

namespace Rhythmic.Superset.Tests;

/// <summary>The bundle's files against Superset's import schemas, and every reference between them.</summary>
public sealed class BundleTests
{
    private static SupersetAssets A => SupersetAssets.Current;

    private static JsonObject[] Items(Asset a, string key) => (a.Content[key] as JsonArray ?? []).Select(n => n!.AsObject()).ToArray();
    private static string Name(JsonObject o, string key) => o[key]!.GetValue<string>();

    [Fact]
    public void Every_file_parses_and_has_the_fields_its_import_schema_requires()
    {
        Assert.Equal("Dashboard", A.Metadata.Str("type"));   // validate_metadata_type: the model the CLI's dashboard import expects
        Assert.True(DateTimeOffset.TryParse(A.Metadata.Str("timestamp"), out _));
        Assert.Equal([], A.Files.SelectMany(ImportSchemas.Problems));
        Assert.Single(A.Of("databases"));
        Assert.True(A.Datasets.Count() >= 10 && A.Charts.Count() >= 15, $"{A.Datasets.Count()} datasets, {A.Charts.Count()} charts");
    }

    [Fact]
    public void Uuids_are_unique_and_every_reference_resolves()
    {
        var uuids = A.Files.Where(f => f.Content.ContainsKey("uuid")).Select(f => Guid.Parse(f.Str("uuid")!)).ToList();
        Assert.Equal(uuids.Count, uuids.Distinct().Count());
        Assert.Equal(A.Files.Count - 1, uuids.Count);   // all but metadata.yaml

        var database = A.Database.Str("uuid");
        Assert.All(A.Datasets, d => Assert.Equal(database, d.Str("database_uuid")));
        var datasets = A.Datasets.Select(d => d.Str("uuid")).ToHashSet();
        Assert.All(A.Charts, c => Assert.Contains(c.Str("dataset_uuid"), datasets));
        Assert.Equal(A.Datasets.Count(), A.Datasets.Select(d => (d.Str("schema"), d.Str("table_name"))).Distinct().Count());
    }

    [Fact]
    public void The_dashboard_places_every_chart_once_in_a_consistent_layout()
    {
        var position = A.Dashboard.Content["position"]!.AsObject();
        Assert.Equal("v2", position["DASHBOARD_VERSION_KEY"]!.GetValue<string>());
        var nodes = position.Where(p => p.Value is JsonObject).ToDictionary(p => p.Key, p => p.Value!.AsObject());
        Assert.All(nodes, n => Assert.Equal(n.Key, Name(n.Value, "id")));
        Assert.Equal("ROOT", Name(nodes["ROOT_ID"], "type"));
        foreach (var (id, node) in nodes)
        {
            foreach (var child in (node["children"] as JsonArray ?? []).Select(c => c!.GetValue<string>()))
            {
                Assert.True(nodes.ContainsKey(child), $"{id} has the unknown child {child}");
                var parents = (nodes[child]["parents"] as JsonArray ?? []).Select(p => p!.GetValue<string>()).ToList();
                Assert.Equal(id, parents.LastOrDefault());
            }
        }
        var reachable = new HashSet<string>();
        void Walk(string id) { if (reachable.Add(id)) foreach (var c in nodes[id]["children"] as JsonArray ?? []) Walk(c!.GetValue<string>()); }
        Walk("ROOT_ID");
        Assert.Equal(nodes.Keys.Where(k => k != "HEADER_ID").Order(), reachable.Order());
        foreach (var row in nodes.Values.Where(n => Name(n, "type") == "ROW"))
            Assert.True((row["children"] as JsonArray ?? []).Sum(c => nodes[c!.GetValue<string>()]["meta"]!["width"]!.GetValue<long>()) <= 12,
                $"{Name(row, "id")} is wider than the grid's 12 columns");

        // build_uuid_to_id_map reads meta.uuid and meta.chartId of every CHART node; each chart is placed once.
        var placed = nodes.Values.Where(n => Name(n, "type") == "CHART").Select(n => n["meta"]!.AsObject()).ToList();
        Assert.All(placed, m => Assert.True(m["chartId"] is JsonValue v && v.TryGetValue<long>(out _), "meta.chartId must be an integer"));
        Assert.Equal(placed.Count, placed.Select(m => m["chartId"]!.GetValue<long>()).Distinct().Count());
        Assert.Equal(A.Charts.Select(c => c.Str("uuid")).Order(), placed.Select(m => Name(m, "uuid")).Order());
        Assert.All(placed, m => Assert.Equal(A.Charts.Single(c => c.Str("uuid") == Name(m, "uuid")).Str("slice_name"), Name(m, "sliceName")));

        // Native filters: update_id_refs maps datasetUuid to the imported dataset and scope.excluded through the chartIds.
        var chartIds = placed.Select(m => m["chartId"]!.GetValue<long>()).ToHashSet();
        var datasets = A.Datasets.Select(d => d.Str("uuid")).ToHashSet();
        var filters = A.Dashboard.Content["metadata"]!["native_filter_configuration"]!.AsArray().Select(f => f!.AsObject()).ToArray();
        Assert.NotEmpty(filters);
        Assert.Equal(filters.Length, filters.Select(f => Name(f, "id")).Distinct().Count());
        foreach (var f in filters)
        {
            Assert.All(f["targets"]!.AsArray(), t => Assert.True(t!["datasetUuid"] is null || datasets.Contains(Name(t.AsObject(), "datasetUuid"))));
            Assert.All(f["scope"]!["excluded"]!.AsArray(), e => Assert.Contains(e!.GetValue<long>(), chartIds));
        }
    }

    [Fact]
    public void Every_chart_names_only_columns_and_saved_metrics_of_its_dataset()
    {
        Assert.All(A.Charts, chart =>
        {
            var dataset = A.DatasetOf(chart);
            var p = chart.Content["params"]!.AsObject();
            Assert.Equal(chart.Str("viz_type"), p["viz_type"]!.GetValue<string>());
            var q = ChartQuery.Of(chart);
            Assert.True(q.Metrics.Count > 0, $"{chart.Path} shows no metric");
            var columns = Items(dataset, "columns").ToDictionary(c => Name(c, "column_name"));
            var metrics = Items(dataset, "metrics").Select(m => Name(m, "metric_name")).ToHashSet();
            Assert.All(q.Columns, c => Assert.True(columns.ContainsKey(c), $"{chart.Path}: {dataset.Path} has no column '{c}'"));
            Assert.All(q.Metrics, m => Assert.True(metrics.Contains(m), $"{chart.Path}: {dataset.Path} has no metric '{m}'"));
            if (q.XAxis is not null) Assert.True(columns[q.XAxis]["is_dttm"]!.GetValue<bool>(), $"{chart.Path}: x-axis '{q.XAxis}' is not temporal");
        });
    }

    [Fact]
    public void Every_dataset_is_a_table_or_a_query_with_a_temporal_column()
    {
        Assert.All(A.Datasets, d =>
        {
            Assert.True((d.Str("sql") is null) != (d.Str("schema") is null), $"{d.Path}: a physical dataset names its schema, a virtual one has sql");
            Assert.Equal(d.Str("table_name") + ".yaml", Path.GetFileName(d.Path));
            var columns = Items(d, "columns");
            Assert.Equal(columns.Length, columns.Select(c => Name(c, "column_name")).Distinct().Count());
            var main = Assert.Single(columns, c => Name(c, "column_name") == d.Str("main_dttm_col"));
            Assert.True(main["is_dttm"]!.GetValue<bool>(), $"{d.Path}: main_dttm_col is not temporal");
            Assert.NotEmpty(Items(d, "metrics"));
        });
    }

    [Fact]
    public void The_connection_is_the_read_only_role_and_holds_no_password()
    {
        var uri = new Uri(A.Database.Str("sqlalchemy_uri")!.Replace("postgresql+psycopg2://", "postgresql://"));
        Assert.Equal("rhythmic_reader:XXXXXXXXXX", uri.UserInfo);   // Superset's PASSWORD_MASK: the password comes separately
        Assert.False(A.Database.Content.ContainsKey("password"));
        Assert.False(A.Database.Content["allow_dml"]!.GetValue<bool>());
        Assert.All(A.Files, f => Assert.DoesNotMatch(@"(?m)^\s*password\s*:", File.ReadAllText(Path.Combine(A.Folder, f.Path))));
    }
}
