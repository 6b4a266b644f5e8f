using Npgsql;

namespace Rhythmic.Core.Configuration;

/// <summary>The warehouse and serving store. Empty <see cref="ConnectionString"/> means the project-local embedded cluster.</summary>
public sealed class PostgresSettings
{
    /// <summary>An Npgsql connection string; when set, no embedded cluster is started.</summary>
    public string ConnectionString { get; set; } = "";
    /// <summary>Port of the embedded cluster (loopback only).</summary>
    public int Port { get; set; } = 55432;
    /// <summary>Data directory of the embedded cluster, relative to the home.</summary>
    public string DataDir { get; set; } = ".local/pg";
    public string Database { get; set; } = "rhythmic";
    /// <summary>Directory holding initdb/pg_ctl; empty means the newest /usr/lib/postgresql/*/bin.</summary>
    public string BinDir { get; set; } = "";

    public bool IsEmbedded => string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>The connection string every layer uses.</summary>
    public string EffectiveConnectionString => IsEmbedded
        ? new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = Port, Username = EmbeddedPostgres.SuperUser, Database = Database,
            MaxPoolSize = 50,
        }.ConnectionString
        : ConnectionString;

    internal void Validate(SettingsValidator v)
    {
        v.Range("Port", Port, 1024, 65535);
        v.Required("Database", Database);
        if (IsEmbedded) v.Required("DataDir", DataDir);
        else
        {
            try { _ = new NpgsqlConnectionStringBuilder(ConnectionString); }
            catch (ArgumentException e) { v.Check("ConnectionString", false, $"is not a valid connection string: {e.Message}"); }
        }
    }
}
