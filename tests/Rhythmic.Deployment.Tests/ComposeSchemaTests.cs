using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Rhythmic.Deployment.Tests;

/// <summary>docker/docker-compose.yml against the Compose Specification's JSON schema, as `docker compose config` would check it.</summary>
public sealed class ComposeSchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        // setup.sh fetches it (tools/compose-spec/fetch.sh): tests reach no network.
        var path = Repo.PathOf(".local/compose-spec/compose-spec.json");
        Assert.True(File.Exists(path), $"{path} is missing: run ./setup.sh (its step runs tools/compose-spec/fetch.sh)");
        // The file names draft-07 as https://json-schema.org/draft-07/schema; the validator knows the dialect by its
        // canonical id, http://json-schema.org/draft-07/schema# (the same meta-schema).
        var text = File.ReadAllText(path)
            .Replace("\"https://json-schema.org/draft-07/schema\"", "\"http://json-schema.org/draft-07/schema#\"", StringComparison.Ordinal);
        return JsonSchema.FromText(text);
    });

    private static IReadOnlyList<string> Errors(JsonNode document)
    {
        var result = Schema.Value.Evaluate(JsonDocument.Parse(document.ToJsonString()).RootElement,
            new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid ? [] : (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).ToList();
    }

    [Fact]
    public void The_compose_file_validates_against_the_compose_specification_schema()
    {
        using var env = new GeneratedEnv();
        var compose = ComposeFile.Load(env.Write());
        var errors = Errors(compose.Root);
        Assert.True(errors.Count == 0, "docker/docker-compose.yml breaks the Compose schema:\n" + string.Join("\n", errors));
    }

    [Fact]
    public void The_schema_check_rejects_an_unknown_service_key_and_a_wrongly_typed_value()
    {
        using var env = new GeneratedEnv();
        var compose = ComposeFile.Load(env.Write());
        var misspelt = compose.Root.DeepClone().AsObject();
        misspelt["services"]!["serve"]!["dependson"] = new JsonArray("migrate");
        Assert.NotEmpty(Errors(misspelt));
        var mistyped = compose.Root.DeepClone().AsObject();
        mistyped["services"]!["serve"]!["read_only"] = new JsonObject { ["yes"] = 1 };
        Assert.NotEmpty(Errors(mistyped));
    }

    [Fact]
    public void Compose_refuses_to_start_without_the_generated_secrets()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ComposeFile.Load(new Dictionary<string, string>()));
        Assert.Contains("./setup.sh --docker", error.Message);
    }
}
