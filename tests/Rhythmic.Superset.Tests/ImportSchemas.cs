using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rhythmic.Superset.Tests;

/// <summary>
/// The fields of Superset's v1 import schemas (ImportV1DatabaseSchema, ImportV1DatasetSchema with its column and metric
/// schemas, ImportV1ChartSchema, ImportV1DashboardSchema and the metadata schema, from apache/superset), checked the
/// way marshmallow loads them: required fields present, every value of its field's type (null only where allowed), and
/// no unknown field (marshmallow's default refuses them). Fields the importers read without a default are required here
/// too: a database's allow_csv_upload and extra (import_database pops and serializes them).
/// </summary>
internal static class ImportSchemas
{
    private enum T { Str, Bool, Int, Dict, List, Uuid }

    private sealed record Field(T Type, bool Required = false, bool Nullable = false);

    private static readonly Dictionary<string, Field> Database = new()
    {
        ["database_name"] = new(T.Str, Required: true), ["sqlalchemy_uri"] = new(T.Str, Required: true),
        ["password"] = new(T.Str, Nullable: true), ["cache_timeout"] = new(T.Int, Nullable: true),
        ["expose_in_sqllab"] = new(T.Bool), ["allow_run_async"] = new(T.Bool), ["allow_ctas"] = new(T.Bool),
        ["allow_cvas"] = new(T.Bool), ["allow_dml"] = new(T.Bool), ["allow_csv_upload"] = new(T.Bool, Required: true),
        ["impersonate_user"] = new(T.Bool), ["extra"] = new(T.Dict, Required: true), ["uuid"] = new(T.Uuid, Required: true),
        ["version"] = new(T.Str, Required: true), ["is_managed_externally"] = new(T.Bool, Nullable: true),
        ["external_url"] = new(T.Str, Nullable: true),
    };

    private static readonly Dictionary<string, Field> DatabaseExtra = new()
    {
        ["metadata_params"] = new(T.Dict), ["engine_params"] = new(T.Dict), ["metadata_cache_timeout"] = new(T.Dict),
        ["schemas_allowed_for_csv_upload"] = new(T.List), ["cost_estimate_enabled"] = new(T.Bool),
        ["allows_virtual_table_explore"] = new(T.Bool), ["cancel_query_on_windows_unload"] = new(T.Bool),
        ["disable_data_preview"] = new(T.Bool), ["disable_drill_to_detail"] = new(T.Bool), ["allow_multi_catalog"] = new(T.Bool),
        ["version"] = new(T.Str, Nullable: true),
    };

    private static readonly Dictionary<string, Field> Dataset = new()
    {
        ["table_name"] = new(T.Str, Required: true), ["main_dttm_col"] = new(T.Str, Nullable: true),
        ["description"] = new(T.Str, Nullable: true), ["default_endpoint"] = new(T.Str, Nullable: true), ["offset"] = new(T.Int),
        ["cache_timeout"] = new(T.Int, Nullable: true), ["schema"] = new(T.Str, Nullable: true), ["sql"] = new(T.Str, Nullable: true),
        ["params"] = new(T.Dict, Nullable: true), ["template_params"] = new(T.Dict, Nullable: true),
        ["filter_select_enabled"] = new(T.Bool), ["fetch_values_predicate"] = new(T.Str, Nullable: true),
        ["extra"] = new(T.Dict, Nullable: true), ["uuid"] = new(T.Uuid, Required: true), ["columns"] = new(T.List),
        ["metrics"] = new(T.List), ["version"] = new(T.Str, Required: true), ["database_uuid"] = new(T.Uuid, Required: true),
    };

    private static readonly Dictionary<string, Field> Column = new()
    {
        ["column_name"] = new(T.Str, Required: true), ["verbose_name"] = new(T.Str, Nullable: true),
        ["is_dttm"] = new(T.Bool, Nullable: true), ["is_active"] = new(T.Bool, Nullable: true), ["type"] = new(T.Str, Nullable: true),
        ["groupby"] = new(T.Bool), ["filterable"] = new(T.Bool), ["expression"] = new(T.Str, Nullable: true),
        ["description"] = new(T.Str, Nullable: true), ["python_date_format"] = new(T.Str, Nullable: true),
    };

    private static readonly Dictionary<string, Field> Metric = new()
    {
        ["metric_name"] = new(T.Str, Required: true), ["verbose_name"] = new(T.Str, Nullable: true),
        ["metric_type"] = new(T.Str, Nullable: true), ["expression"] = new(T.Str, Required: true),
        ["description"] = new(T.Str, Nullable: true), ["d3format"] = new(T.Str, Nullable: true), ["extra"] = new(T.Dict, Nullable: true),
        ["warning_text"] = new(T.Str, Nullable: true),
    };

    private static readonly Dictionary<string, Field> Chart = new()
    {
        ["slice_name"] = new(T.Str, Required: true), ["description"] = new(T.Str, Nullable: true),
        ["certified_by"] = new(T.Str, Nullable: true), ["certification_details"] = new(T.Str, Nullable: true),
        ["viz_type"] = new(T.Str, Required: true), ["params"] = new(T.Dict), ["query_context"] = new(T.Str, Nullable: true),
        ["cache_timeout"] = new(T.Int, Nullable: true), ["uuid"] = new(T.Uuid, Required: true), ["version"] = new(T.Str, Required: true),
        ["dataset_uuid"] = new(T.Uuid, Required: true), ["is_managed_externally"] = new(T.Bool, Nullable: true),
        ["external_url"] = new(T.Str, Nullable: true),
    };

    private static readonly Dictionary<string, Field> Dashboard = new()
    {
        ["dashboard_title"] = new(T.Str, Required: true), ["description"] = new(T.Str, Nullable: true),
        ["css"] = new(T.Str, Nullable: true), ["slug"] = new(T.Str, Nullable: true), ["uuid"] = new(T.Uuid, Required: true),
        ["position"] = new(T.Dict), ["metadata"] = new(T.Dict), ["version"] = new(T.Str, Required: true),
        ["is_managed_externally"] = new(T.Bool, Nullable: true), ["external_url"] = new(T.Str, Nullable: true),
        ["certified_by"] = new(T.Str, Nullable: true), ["certification_details"] = new(T.Str, Nullable: true),
        ["published"] = new(T.Bool, Nullable: true),
    };

    private static readonly Dictionary<string, Field> Metadata = new()
    {
        ["version"] = new(T.Str, Required: true), ["type"] = new(T.Str), ["timestamp"] = new(T.Str),
    };

    /// <summary>What is wrong with <paramref name="asset"/> against its import schema (empty when it loads).</summary>
    public static IEnumerable<string> Problems(Asset asset)
    {
        var content = asset.Content;
        IEnumerable<string> problems = asset.Kind switch
        {
            "metadata.yaml" => Check(content, Metadata, asset.Path),
            "databases" => Check(content, Database, asset.Path)
                .Concat(content["extra"] is JsonObject extra ? Check(extra, DatabaseExtra, asset.Path + ": extra") : []),
            "datasets" => Check(content, Dataset, asset.Path)
                .Concat(Items(content, "columns").SelectMany((c, i) => Check(c, Column, $"{asset.Path}: columns[{i}]")))
                .Concat(Items(content, "metrics").SelectMany((m, i) => Check(m, Metric, $"{asset.Path}: metrics[{i}]"))),
            "charts" => Check(content, Chart, asset.Path),
            "dashboards" => Check(content, Dashboard, asset.Path),
            _ => [$"{asset.Path}: not a folder Superset imports (metadata.yaml, databases/, datasets/, charts/, dashboards/)"],
        };
        foreach (var p in problems) yield return p;
        if (content["version"]?.GetValue<string>() != "1.0.0") yield return $"{asset.Path}: version must be 1.0.0 (IMPORT_VERSION)";
    }

    private static IEnumerable<JsonObject> Items(JsonObject o, string key)
        => (o[key] as JsonArray ?? []).Select(n => n as JsonObject ?? throw new InvalidDataException($"{key} holds a non-mapping"));

    private static IEnumerable<string> Check(JsonObject o, Dictionary<string, Field> schema, string where)
    {
        foreach (var (name, field) in schema)
            if (field.Required && !o.ContainsKey(name)) yield return $"{where}: missing required field '{name}'";
        foreach (var (name, value) in o)
        {
            if (!schema.TryGetValue(name, out var field)) { yield return $"{where}: unknown field '{name}'"; continue; }
            if (value is null)
            {
                if (!field.Nullable) yield return $"{where}: '{name}' may not be null";
                continue;
            }
            if (!Is(value, field.Type)) yield return $"{where}: '{name}' is not {field.Type} ({value.ToJsonString()})";
        }
    }

    private static bool Is(JsonNode value, T type) => type switch
    {
        T.Dict => value is JsonObject,
        T.List => value is JsonArray,
        T.Bool => value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        T.Int => value is JsonValue v && v.TryGetValue<long>(out _),
        T.Str => value is JsonValue v && v.TryGetValue<string>(out _),
        T.Uuid => value is JsonValue v && v.TryGetValue<string>(out var s) && Guid.TryParse(s, out _),
        _ => false,
    };
}
