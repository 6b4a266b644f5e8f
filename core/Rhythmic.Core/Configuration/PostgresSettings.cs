using Npgsql;

namespace Rhythmic.Core.Configuration;

/// <summary>The warehouse and serving store. Empty <see cref="ConnectionString"/> means the project-local embedded cluster.</summary>
public sealed class PostgresSettings
{
    /// <summary>An Npgsql connection string; when set, no embedded cluster is started.</summary>
    public string ConnectionString { get; set; } = "";
    /// <summary>
    /// With <see cref="ConnectionString"/>: the connection string the serving API reads with, as a role that may only
    /// read (e.g. rhythmic_reader, created by migration 0500; its password is yours to set). Empty means it reads with
    /// <see cref="ConnectionString"/>, which the serving host warns about.
    /// </summary>
    public string ReaderConnectionString { get; set; } = "";
    /// <summary>Port of the embedded cluster (loopback only).</summary>
    public int Port { get; set; } = 55432;
    /// <summary>Data directory of the embedded cluster, relative to the home; its passwords are in the sibling &lt;DataDir&gt;-secrets.</summary>
    public string DataDir { get; set; } = ".local/pg";
    public string Database { get; set; } = "rhythmic";
    /// <summary>Directory holding initdb/pg_ctl; empty means the newest /usr/lib/postgresql/*/bin.</summary>
    public string BinDir { get; set; } = "";

    /// <summary>The project home relative paths resolve against (set with <see cref="RhythmicSettings.Home"/>; not bound).</summary>
    internal string Home { get; set; } = "";

    public bool IsEmbedded => string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>The embedded cluster's password files (see <see cref="EmbeddedPostgres.SecretsDirOf"/>).</summary>
    public string SecretsDir => EmbeddedPostgres.SecretsDirOf(Path.GetFullPath(DataDir, string.IsNullOrEmpty(Home) ? Environment.CurrentDirectory : Home));

    /// <summary>The connection string every layer uses: the owner of the platform's tables (for the embedded cluster, its superuser with the password from its file).</summary>
    public string EffectiveConnectionString => IsEmbedded ? Embedded(EmbeddedPostgres.SuperUser) : ConnectionString;

    /// <summary>The connection string of reads that must not write: the serving API's (the embedded cluster's read-only role).</summary>
    public string EffectiveReaderConnectionString => IsEmbedded ? Embedded(EmbeddedPostgres.ReaderRole)
        : string.IsNullOrWhiteSpace(ReaderConnectionString) ? ConnectionString : ReaderConnectionString;

    /// <summary>True when <see cref="EffectiveReaderConnectionString"/> is a role of its own rather than the owner.</summary>
    public bool HasReaderRole => IsEmbedded || !string.IsNullOrWhiteSpace(ReaderConnectionString);

    private string Embedded(string role) => EmbeddedPostgres.ConnectionString(Port, role, Database,
        PostgresPasswords.Read(PostgresPasswords.FileOf(SecretsDir, role), role));

    internal void Validate(SettingsValidator v)
    {
        v.Range("Port", Port, 1024, 65535);
        v.Required("Database", Database);
        if (IsEmbedded)
        {
            v.Required("DataDir", DataDir);
            v.Check("ReaderConnectionString", string.IsNullOrWhiteSpace(ReaderConnectionString),
                "is only used with Postgres:ConnectionString (the embedded cluster has its own read-only role and password).");
        }
        else
        {
            ValidConnectionString(v, "ConnectionString", ConnectionString);
            if (!string.IsNullOrWhiteSpace(ReaderConnectionString)) ValidConnectionString(v, "ReaderConnectionString", ReaderConnectionString);
        }
    }

    private static void ValidConnectionString(SettingsValidator v, string key, string value)
    {
        try { _ = new NpgsqlConnectionStringBuilder(value); }
        catch (ArgumentException e) { v.Check(key, false, $"is not a valid connection string: {e.Message}"); }
    }
}
