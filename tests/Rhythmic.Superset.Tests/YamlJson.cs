using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Rhythmic.Superset.Tests;

/// <summary>
/// A YAML document as JSON nodes, typed the way Superset's loader (PyYAML's safe_load) types plain scalars: null,
/// booleans, integers and floats; quoted and block scalars stay strings. Duplicate keys and anchors are refused.
/// </summary>
internal static class YamlJson
{
    public static JsonNode? Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));   // throws on malformed YAML and on duplicate keys
        if (stream.Documents.Count != 1) throw new InvalidDataException($"expected one YAML document, found {stream.Documents.Count}");
        return Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node)
    {
        if (!node.Anchor.IsEmpty) throw new InvalidDataException($"anchor &{node.Anchor} at {node.Start}: keep each asset file plain");
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    var name = key is YamlScalarNode s ? s.Value ?? "" : throw new InvalidDataException($"non-scalar key at {key.Start}");
                    obj.Add(name, Convert(value));
                }
                return obj;
            case YamlSequenceNode seq:
                var arr = new JsonArray();
                foreach (var item in seq.Children) arr.Add(Convert(item));
                return arr;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new InvalidDataException($"unexpected YAML node {node.NodeType} at {node.Start}");
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var v = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain) return JsonValue.Create(v);
        switch (v)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "on" or "On": return JsonValue.Create(true);
            case "false" or "False" or "FALSE" or "no" or "No" or "off" or "Off": return JsonValue.Create(false);
        }
        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (v.Any(char.IsDigit) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
        return JsonValue.Create(v);
    }
}
