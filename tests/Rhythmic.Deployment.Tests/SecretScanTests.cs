using System.Text.RegularExpressions;

namespace Rhythmic.Deployment.Tests;

/// <summary>No literal password, token or key in any file git tracks: secrets come from generated files and the environment.</summary>
public sealed partial class SecretScanTests
{
    /// <summary>Literals that look like secrets and are not, each with why.</summary>
    private static readonly (string File, string Literal, string Why)[] Allowed =
    [
        ("tests/Rhythmic.Core.Tests/PostgresLockdownTests.cs", "not-the-password", "a deliberately wrong password, to be refused"),
        ("tests/Rhythmic.Superset.Tests/BuildBundleTests.cs", "s3cr'et-_x", "a sample password with a quote, to check the bundle's quoting"),
    ];

    /// <summary>Setting names that hold no secret although their names say password or token.</summary>
    private static readonly HashSet<string> NotSecretKeys = new(StringComparer.OrdinalIgnoreCase) { "password_encryption" };

    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".cs", ".csproj", ".props", ".targets", ".sln", ".json", ".yml", ".yaml", ".sh", ".md", ".sql", ".py", ".txt",
        ".mjs", ".js", ".html", ".css", ".cql", ".patch", ".conf", ".ini", ".toml", ".properties", ".xml", ".config", ".env", "",
    };

    [Fact]
    public void No_tracked_file_holds_a_literal_password_or_token()
    {
        var findings = new List<string>();
        foreach (var file in Repo.TrackedFiles())
        {
            var path = Repo.PathOf(file);
            if (!File.Exists(path) || !TextExtensions.Contains(Path.GetExtension(file)) || new FileInfo(path).Length > 2_000_000) continue;
            var lines = File.ReadAllLines(path);
            for (var i = 0; i < lines.Length; i++)
                foreach (var literal in Scan(lines[i], ConfigExtensions.Contains(Path.GetExtension(file))))
                    if (!Allowed.Any(a => a.File == file && a.Literal == literal))
                        findings.Add($"{file}:{i + 1}: {lines[i].Trim()}");
        }
        Assert.True(findings.Count == 0, "Literal secrets in tracked files:\n" + string.Join("\n", findings));
    }

    [Fact]
    public void The_scan_finds_the_forms_a_committed_secret_takes()
    {
        // Built from pieces, so this file itself holds none of them whole.
        string Pw(string s) => s + "-" + "hunter2";
        Assert.NotEmpty(Scan("      POSTGRES_" + "PASSWORD: " + Pw("a")));
        Assert.NotEmpty(Scan("RHYTHMIC__POSTGRES__CONNECTIONSTRING: Host=db;Username=rhythmic;" + "Pass" + "word=" + Pw("b") + ";Database=rhythmic"));
        Assert.NotEmpty(Scan("export PGPASS" + "WORD=" + Pw("c")));
        Assert.NotEmpty(Scan("    \"Admin" + "Token\": \"" + Pw("d") + "\","));
        Assert.NotEmpty(Scan("SECRET_" + "KEY = '" + Pw("e") + "'"));
        Assert.NotEmpty(Scan("superset fab create-admin --" + "password " + Pw("f")));
        Assert.NotEmpty(Scan("-----BEGIN RSA " + "PRIVATE KEY-----"));
        Assert.NotEmpty(Scan("aws_key = AKIA" + "ABCDEFGHIJKLMNOP"));
        // The old docker-compose.yml's three: a plain word is a password too.
        Assert.NotEmpty(Scan("      POSTGRES_" + "PASSWORD: " + "rhythmic"));
        Assert.NotEmpty(Scan("#   RHYTHMIC__POSTGRES__CONNECTIONSTRING=\"Host=127.0.0.1;Port=5432;Username=rhythmic;" + "Pass" + "word=" + "rhythmic;Database=rhythmic\" \\"));
        // What the repository does instead: variables, generated files, placeholders, empty defaults.
        Assert.Empty(Scan("      POSTGRES_PASSWORD: ${POSTGRES_SUPERUSER_PASSWORD:?run ./setup.sh --docker}"));
        Assert.Empty(Scan("Host=postgres;Username=rhythmic;Password=${RHYTHMIC_PG_PASSWORD:?x};Database=rhythmic"));
        Assert.Empty(Scan("PGPASSWORD=$(cat DIR/pg-secrets/rhythmic.password) psql"));
        Assert.Empty(Scan("    \"AdminToken\": \"\","));
        Assert.Empty(Scan("SECRET_KEY = os.environ[\"SUPERSET_SECRET_KEY\"]"));
        Assert.Empty(Scan("RHYTHMIC__POSTGRES__CONNECTIONSTRING=\"Host=db;Username=rhythmic;Password=...;Database=rhythmic\" ./rhythmic up"));
        Assert.Empty(Scan("var cs = $\"Host=127.0.0.1;Password={password};Database={db}\";"));
        Assert.Empty(Scan("        Host = \"127.0.0.1\", Port = port, Username = user, Password = password, Database = database,"));
    }

    /// <summary>Files whose lines are KEY: VALUE settings (elsewhere "Secrets: ..." at a line's start is prose).</summary>
    private static readonly HashSet<string> ConfigExtensions = new(StringComparer.OrdinalIgnoreCase)
        { ".yml", ".yaml", ".json", ".env", ".conf", ".ini", ".toml", ".properties", "" };

    /// <summary>The literal values on a line that sit where a secret would.</summary>
    internal static IEnumerable<string> Scan(string line, bool configFile = true)
    {
        foreach (var m in KeyAssign().Matches(line).Concat(configFile ? KeyColon().Matches(line) : []))
        {
            if (NotSecretKeys.Contains(m.Groups["key"].Value)) continue;
            var value = m.Groups["quoted"].Success ? m.Groups["quoted"].Value : m.Groups["bare"].Value;
            if (IsLiteral(value)) yield return value;
        }
        foreach (Match m in Flag().Matches(line))
            if (IsLiteral(m.Groups["value"].Value)) yield return m.Groups["value"].Value;
        foreach (Match m in KeyMaterial().Matches(line)) yield return m.Value;
    }

    // Not a literal: empty, a variable or expression ($VAR, ${...}, $(...), {x} of an interpolated string, a shell
    // array), or a placeholder (..., <...>).
    private static bool IsLiteral(string value)
    {
        value = value.Trim().TrimEnd(';', ',');
        if (value.Length == 0 || value.StartsWith('$') || value.StartsWith('{') || value.StartsWith('<') || value.StartsWith('%') || value.StartsWith('(')
            || value.StartsWith(':') || value.Contains("...", StringComparison.Ordinal)) return false;
        return true;
    }

    private const string SecretKey = @"(?<key>[A-Za-z0-9_]*(?:password|passwd|pwd|token|secret|secret_key|api_?key)[A-Za-z0-9_]*)";

    // KEY=VALUE (environment, shell, connection strings) and KEY = 'VALUE' (code): a bare value counts only without
    // spaces around '=', so C# assignments of variables do not.
    [GeneratedRegex(@"(?<![A-Za-z0-9_])""?" + SecretKey + @"""?(?:\s*=\s*(?:""(?<quoted>[^""]*)""|'(?<quoted>[^']*)')|=(?<bare>[^\s;""',]+))", RegexOptions.IgnoreCase)]
    private static partial Regex KeyAssign();

    // KEY: VALUE at the start of a line (YAML, JSON); a colon elsewhere is prose or psql's :'variable'.
    [GeneratedRegex(@"^\s*(?:-\s*)?""?" + SecretKey + @"""?\s*:(?:\s*""(?<quoted>[^""]*)""|\s+'(?<quoted>[^']*)'|\s+(?<bare>[^\s""',]+))", RegexOptions.IgnoreCase)]
    private static partial Regex KeyColon();

    [GeneratedRegex(@"--(?:password|token|secret)[ =](?!"")(?<value>[^\s""']+)", RegexOptions.IgnoreCase)]
    private static partial Regex Flag();

    [GeneratedRegex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}")]
    private static partial Regex KeyMaterial();
}
