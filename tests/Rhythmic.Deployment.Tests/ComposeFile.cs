using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Rhythmic.Deployment.Tests;

/// <summary>
/// docker/docker-compose.yml as Compose sees it: YAML with its merge keys resolved, then ${VAR} interpolated from an
/// environment (the .env), as JSON for the schema and for the checks of services.
/// </summary>
internal sealed partial class ComposeFile
{
    public const string RelativePath = "docker/docker-compose.yml";

    /// <summary>The file as JSON after interpolation.</summary>
    public JsonObject Root { get; }

    /// <summary>Every variable the file reads, with whether it is required (<c>${VAR:?message}</c>).</summary>
    public IReadOnlyDictionary<string, bool> Variables { get; }

    private ComposeFile(JsonObject root, IReadOnlyDictionary<string, bool> variables) => (Root, Variables) = (root, variables);

    /// <summary>Reads the file, interpolating with <paramref name="environment"/>; a required variable missing is an error, as in Compose.</summary>
    public static ComposeFile Load(IReadOnlyDictionary<string, string> environment, string? text = null)
    {
        text ??= Repo.Read(RelativePath);
        var variables = new Dictionary<string, bool>();
        // Compose interpolates values, not comments.
        var uncommented = string.Join('\n', text.Split('\n').Where(l => !l.TrimStart().StartsWith('#')));
        foreach (Match m in VariablePattern().Matches(uncommented))
            variables[m.Groups["name"].Value] = variables.GetValueOrDefault(m.Groups["name"].Value) || m.Groups["op"].Value is ":?" or "?";
        var yaml = new YamlStream();
        using (var reader = new StringReader(text)) yaml.Load(reader);
        var root = (JsonObject)ToJson(yaml.Documents[0].RootNode, environment)!;
        return new ComposeFile(root, variables);
    }

    /// <summary>The services, by name.</summary>
    public IEnumerable<(string Name, JsonObject Service)> Services
        => Root["services"]!.AsObject().Select(p => (p.Key, p.Value!.AsObject()));

    public JsonObject Service(string name) => Root["services"]![name]!.AsObject();

    /// <summary>A service's environment as name/value pairs (map or list form).</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentOf(JsonObject service)
    {
        var result = new Dictionary<string, string>();
        switch (service["environment"])
        {
            case JsonObject map:
                foreach (var (k, v) in map) result[k] = v?.ToString() ?? "";
                break;
            case JsonArray list:
                foreach (var item in list.Select(i => i!.ToString()))
                    result[item.Split('=', 2)[0]] = item.Contains('=') ? item.Split('=', 2)[1] : "";
                break;
        }
        return result;
    }

    public static IReadOnlyList<string> StringsOf(JsonNode? node) => node switch
    {
        null => [],
        JsonArray a => a.Select(x => x!.ToString()).ToList(),
        _ => [node.ToString()],
    };

    private static JsonNode? ToJson(YamlNode node, IReadOnlyDictionary<string, string> env) => node switch
    {
        YamlMappingNode map => Mapping(map, env),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(c => ToJson(c, env)).ToArray()),
        YamlScalarNode s => Scalar(s, env),
        _ => throw new InvalidOperationException($"Unexpected YAML node {node.NodeType} at {node.Start}"),
    };

    // A merge key (<<: *anchor, or a list of anchors) adds the anchored mapping's keys that the mapping does not set
    // itself: explicit keys win, as in YAML's merge and in Compose.
    private static JsonObject Mapping(YamlMappingNode map, IReadOnlyDictionary<string, string> env)
    {
        var result = new JsonObject();
        foreach (var (key, value) in map.Children.Where(c => ((YamlScalarNode)c.Key).Value != "<<"))
            result[((YamlScalarNode)key).Value!] = ToJson(value, env);
        foreach (var (_, merged) in map.Children.Where(c => ((YamlScalarNode)c.Key).Value == "<<"))
            foreach (var source in merged is YamlSequenceNode list ? list.Children.Cast<YamlMappingNode>() : [(YamlMappingNode)merged])
                foreach (var (key, value) in Mapping(source, env).ToList())
                    if (!result.ContainsKey(key)) result[key] = value?.DeepClone();
        return result;
    }

    // YAML 1.2 core schema for plain scalars (what Compose's parser does); quoted scalars are strings.
    private static JsonNode? Scalar(YamlScalarNode s, IReadOnlyDictionary<string, string> env)
    {
        var text = Interpolate(s.Value ?? "", env);
        if (s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
            return JsonValue.Create(text);
        if (text is "" or "null" or "~") return null;
        if (text is "true" or "false") return JsonValue.Create(text == "true");
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (FloatPattern().IsMatch(text)) return JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture));
        return JsonValue.Create(text);
    }

    /// <summary>Compose's interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, ${VAR:+alt}.</summary>
    public static string Interpolate(string text, IReadOnlyDictionary<string, string> env)
        => InterpolationPattern().Replace(text, m =>
        {
            if (m.Value == "$$") return "$";
            var name = m.Groups["name"].Success ? m.Groups["name"].Value : m.Groups["bare"].Value;
            var op = m.Groups["op"].Value;
            var arg = m.Groups["arg"].Value;
            var set = env.TryGetValue(name, out var value);
            var nonEmpty = set && value!.Length > 0;
            return op switch
            {
                ":-" => nonEmpty ? value! : arg,
                "-" => set ? value! : arg,
                ":?" => nonEmpty ? value! : throw new InvalidOperationException($"required variable {name} is missing a value: {arg}"),
                "?" => set ? value! : throw new InvalidOperationException($"required variable {name} is missing: {arg}"),
                ":+" => nonEmpty ? arg : "",
                "+" => set ? arg : "",
                _ => set ? value! : "",
            };
        });

    [GeneratedRegex(@"\$\$|\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?<op>:-|-|:\?|\?|:\+|\+)(?<arg>[^}]*))?\}|\$(?<bare>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex InterpolationPattern();

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?<op>:-|-|:\?|\?|:\+|\+)?")]
    private static partial Regex VariablePattern();

    [GeneratedRegex(@"^[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?$")]
    private static partial Regex FloatPattern();
}
