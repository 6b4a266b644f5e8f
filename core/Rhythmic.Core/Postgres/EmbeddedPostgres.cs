using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Rhythmic.Core;

/// <summary>
/// A private PostgreSQL cluster in a directory of ours: created with initdb on first use, started with pg_ctl on its
/// own loopback port, stopped on <see cref="StopAsync"/>. When the process runs as root the server runs as the
/// <c>postgres</c> user, since initdb refuses root.
/// </summary>
public sealed class EmbeddedPostgres
{
    /// <summary>The cluster's bootstrap superuser; the embedded cluster trusts loopback connections.</summary>
    public const string SuperUser = "rhythmic";

    private readonly string _binDir;
    private readonly string[] _serverOptions;

    public string DataDir { get; }
    public int Port { get; }
    public string LogFile => Path.Combine(DataDir, "server.log");

    /// <param name="dataDir">Directory of the cluster (created if missing).</param>
    /// <param name="port">Loopback port to listen on.</param>
    /// <param name="binDir">Directory of initdb/pg_ctl; null finds the newest installed PostgreSQL.</param>
    /// <param name="durable">False turns fsync off: for throwaway test clusters only.</param>
    public EmbeddedPostgres(string dataDir, int port, string? binDir = null, bool durable = true)
    {
        DataDir = Path.GetFullPath(dataDir);
        Port = port;
        _binDir = string.IsNullOrWhiteSpace(binDir) ? FindBinDir() : binDir;
        _serverOptions =
        [
            "-c listen_addresses=127.0.0.1", $"-p {port}", "-c unix_socket_directories=''", "-c max_connections=200",
            "-c shared_buffers=512MB", "-c work_mem=64MB", "-c maintenance_work_mem=512MB", "-c max_wal_size=4GB",
            "-c checkpoint_timeout=15min", "-c max_locks_per_transaction=1024", "-c jit=off",
            // A single local server with no replicas or WAL archive: minimal WAL lets a load write rows into a table
            // created or truncated in its own transaction without logging them (they are synced at commit instead).
            "-c wal_level=minimal", "-c max_wal_senders=0",
            .. durable ? Array.Empty<string>() : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"],
        ];
    }

    /// <summary>The connection string of <paramref name="database"/> on this cluster.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = SuperUser, Database = database, MaxPoolSize = 50,
    }.ConnectionString;

    public bool IsInitialized => File.Exists(Path.Combine(DataDir, "PG_VERSION"));

    /// <summary>Initializes the cluster if needed and starts it unless it already runs; returns when it accepts connections.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        if (await IsRunningAsync(ct)) return;
        Directory.CreateDirectory(DataDir);
        if (!IsInitialized)
        {
            GiveToServerUser(DataDir);
            await RunAsync("initdb", ["-D", DataDir, "-U", SuperUser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-instructions"], ct);
        }
        await RunAsync("pg_ctl", ["-D", DataDir, "-l", LogFile, "-o", string.Join(' ', _serverOptions), "-w", "-t", "60", "start"], ct);
    }

    /// <summary>Creates <paramref name="database"/> if it does not exist.</summary>
    public async Task EnsureDatabaseAsync(string database, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(ConnectionString());
        await conn.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", conn) { Parameters = { new() { Value = database } } };
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"create database \"{database.Replace("\"", "\"\"")}\"", conn);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// Stops the server: a fast shutdown (running transactions roll back, a checkpoint is written), or with
    /// <paramref name="immediate"/> an immediate one (no checkpoint: for throwaway clusters about to be deleted).
    /// </summary>
    public async Task StopAsync(CancellationToken ct = default, bool immediate = false)
    {
        if (IsInitialized && File.Exists(Path.Combine(DataDir, "postmaster.pid")))
            await RunAsync("pg_ctl", ["-D", DataDir, "-m", immediate ? "immediate" : "fast", "-w", "stop"], ct);
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>True when a server accepts connections on <see cref="Port"/>.</summary>
    public async Task<bool> IsRunningAsync(CancellationToken ct = default)
    {
        try
        {
            await using var conn = new NpgsqlConnection(ConnectionString() + ";Timeout=2");
            await conn.OpenAsync(ct);
            return true;
        }
        catch (NpgsqlException) { return false; }
        catch (SocketException) { return false; }
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>initdb and the server refuse to run as root: give the directory (and the way to it) to postgres.</summary>
    private static void GiveToServerUser(string dir)
    {
        if (!IsRoot || OperatingSystem.IsWindows()) return;
        Process.Start("chown", ["-R", "postgres:postgres", dir])!.WaitForExit();
        for (var d = new DirectoryInfo(dir).Parent; d is not null && d.FullName != "/"; d = d.Parent)
        {
            // Let the server user traverse (not read) the parents, e.g. a root-owned home.
            if ((d.UnixFileMode & UnixFileMode.OtherExecute) == 0) d.UnixFileMode |= UnixFileMode.OtherExecute;
        }
    }

    private async Task RunAsync(string tool, string[] args, CancellationToken ct)
    {
        var exe = Path.Combine(_binDir, tool);
        var psi = IsRoot ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", exe, .. args]) : new ProcessStartInfo(exe, args);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.WorkingDirectory = "/";
        using var process = Process.Start(psi) ?? throw new RhythmicException($"Could not start {exe}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
            throw new RhythmicException($"{tool} failed (exit {process.ExitCode}) for {DataDir}: {(await stderr).Trim()} {(await stdout).Trim()}".Trim()
                + (File.Exists(LogFile) ? $"\nServer log: {LogFile}" : ""));
    }

    /// <summary>The newest /usr/lib/postgresql/N/bin that has initdb.</summary>
    public static string FindBinDir()
    {
        const string root = "/usr/lib/postgresql";
        var best = Directory.Exists(root)
            ? Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "bin", "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).FirstOrDefault()
            : null;
        return best is not null ? Path.Combine(best, "bin")
            : throw new RhythmicException("PostgreSQL server binaries were not found under /usr/lib/postgresql; run ./setup.sh (it installs postgresql).");
    }
}
