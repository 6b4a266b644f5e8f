using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Rhythmic.Core;

/// <summary>
/// A private PostgreSQL cluster in a directory of ours: created with initdb on first use, started with pg_ctl on its
/// own loopback port, stopped on <see cref="StopAsync"/>. When the process runs as root the server runs as the
/// <c>postgres</c> user, since initdb refuses root. Nobody gets in without a password: pg_hba.conf admits SCRAM
/// password logins over 127.0.0.1 only, and the passwords (generated at first start) are kept in
/// <see cref="SecretsDir"/>, readable by the user running the platform alone.
/// </summary>
public sealed class EmbeddedPostgres
{
    /// <summary>The cluster's bootstrap superuser, owner of everything the platform creates.</summary>
    public const string SuperUser = "rhythmic";
    /// <summary>The read-only role the serving API reads as (migration 0500 grants it SELECT on the platform's schemas).</summary>
    public const string ReaderRole = "rhythmic_reader";

    /// <summary>The whole of pg_hba.conf: SCRAM over loopback TCP, nothing else (no trust, no unix socket, no replication).</summary>
    internal const string HbaConf = """
        # Written by rhythmic (EmbeddedPostgres): password (SCRAM-SHA-256) logins over loopback TCP only.
        # No trust, no peer, no unix socket; the passwords are in the cluster's secrets directory.
        host all all 127.0.0.1/32 scram-sha-256

        """;

    private readonly string _binDir;
    private readonly string[] _serverOptions;
    private readonly ILogger _log;

    public string DataDir { get; }
    public int Port { get; }
    public string LogFile => Path.Combine(DataDir, "server.log");
    /// <summary>Where the roles' password files are (0700, owned by the user running the platform; not in <see cref="DataDir"/>).</summary>
    public string SecretsDir { get; }

    /// <param name="dataDir">Directory of the cluster (created if missing).</param>
    /// <param name="port">Loopback port to listen on.</param>
    /// <param name="binDir">Directory of initdb/pg_ctl; null finds the newest installed PostgreSQL.</param>
    /// <param name="durable">False turns fsync off: for throwaway test clusters only.</param>
    /// <param name="secretsDir">Directory of the password files; null means <see cref="SecretsDirOf"/> the data directory.</param>
    /// <param name="logger">Where a conversion of an old password-less cluster is reported.</param>
    public EmbeddedPostgres(string dataDir, int port, string? binDir = null, bool durable = true, string? secretsDir = null, ILogger? logger = null)
    {
        DataDir = Path.GetFullPath(dataDir);
        Port = port;
        SecretsDir = Path.GetFullPath(secretsDir ?? SecretsDirOf(DataDir));
        _log = logger ?? NullLogger.Instance;
        _binDir = string.IsNullOrWhiteSpace(binDir) ? FindBinDir() : binDir;
        _serverOptions =
        [
            "-c listen_addresses=127.0.0.1", $"-p {port}", "-c unix_socket_directories=''", "-c max_connections=200",
            "-c password_encryption=scram-sha-256",
            "-c shared_buffers=512MB", "-c work_mem=64MB", "-c maintenance_work_mem=512MB", "-c max_wal_size=4GB",
            "-c checkpoint_timeout=15min", "-c max_locks_per_transaction=1024", "-c jit=off",
            // A single local server with no replicas or WAL archive: minimal WAL lets a load write rows into a table
            // created or truncated in its own transaction without logging them (they are synced at commit instead).
            "-c wal_level=minimal", "-c max_wal_senders=0",
            .. durable ? Array.Empty<string>() : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"],
        ];
    }

    /// <summary>The secrets directory of a cluster in <paramref name="dataDir"/>: its sibling <c>&lt;dataDir&gt;-secrets</c> (e.g. .local/pg-secrets).</summary>
    public static string SecretsDirOf(string dataDir) => Path.GetFullPath(dataDir).TrimEnd(Path.DirectorySeparatorChar) + "-secrets";

    /// <summary>The file holding <paramref name="role"/>'s password.</summary>
    public string PasswordFile(string role) => PostgresPasswords.FileOf(SecretsDir, role);

    /// <summary>The superuser's connection string of <paramref name="database"/> on this cluster (password from its file).</summary>
    public string ConnectionString(string database = "postgres") => ConnectionString(SuperUser, database, PostgresPasswords.Read(PasswordFile(SuperUser), SuperUser));

    /// <summary>The read-only role's connection string of <paramref name="database"/> on this cluster.</summary>
    public string ReaderConnectionString(string database = "postgres") => ConnectionString(ReaderRole, database, PostgresPasswords.Read(PasswordFile(ReaderRole), ReaderRole));

    /// <summary>A connection string of the cluster at 127.0.0.1:<paramref name="port"/>.</summary>
    internal static string ConnectionString(int port, string user, string database, string? password) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = port, Username = user, Password = password, Database = database, MaxPoolSize = 50,
    }.ConnectionString;

    private string ConnectionString(string user, string database, string? password) => ConnectionString(Port, user, database, password);

    public bool IsInitialized => File.Exists(Path.Combine(DataDir, "PG_VERSION"));

    private string HbaFile => Path.Combine(DataDir, "pg_hba.conf");

    /// <summary>True when pg_hba.conf is ours (passwords only); false for a cluster an older version made with trust.</summary>
    private bool HbaIsLockedDown
    {
        get
        {
            try { return File.Exists(HbaFile) && File.ReadAllText(HbaFile).ReplaceLineEndings("\n") == HbaConf.ReplaceLineEndings("\n"); }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                throw new RhythmicException($"Cannot read {HbaFile}: {e.Message} (run rhythmic as the user who created the cluster, or as root).");
            }
        }
    }

    /// <summary>
    /// Initializes the cluster if needed (SCRAM authentication, the superuser's password generated now) and starts it
    /// unless it already runs; returns when it accepts connections. Either way it makes sure the cluster is locked
    /// down: a cluster an older version created with trust authentication gets a password and the new pg_hba.conf
    /// (while trust still lets us in), and the read-only role gets its password.
    /// </summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        // A cluster already on passwords needs the password it has; any other (new, or an old trust one) gets a new one.
        var superPassword = IsInitialized && HbaIsLockedDown
            ? PostgresPasswords.Read(PasswordFile(SuperUser), SuperUser)
            : PostgresPasswords.ReadOrCreate(PasswordFile(SuperUser), SuperUser);
        if (!await IsRunningAsync(ct))
        {
            Directory.CreateDirectory(DataDir);
            if (!IsInitialized)
            {
                GiveToServerUser(DataDir);
                await InitDbAsync(superPassword, ct);
                await File.WriteAllTextAsync(HbaFile, HbaConf, ct); // in place: it stays the server user's file
            }
            await RunAsync("pg_ctl", ["-D", DataDir, "-l", LogFile, "-o", string.Join(' ', _serverOptions), "-w", "-t", "60", "start"], ct);
        }
        await LockDownAsync(superPassword, ct);
    }

    private async Task InitDbAsync(string superPassword, CancellationToken ct)
    {
        // initdb reads the password from a file: a private copy the server user may read, gone once initdb is done.
        var temp = Directory.CreateTempSubdirectory("rhythmic-initdb-");
        try
        {
            var pwfile = Path.Combine(temp.FullName, "pwfile");
            PostgresPasswords.WritePrivate(pwfile, superPassword);
            GiveToServerUser(temp.FullName);
            await RunAsync("initdb", ["-D", DataDir, "-U", SuperUser, "--pwfile", pwfile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-instructions"], ct);
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    /// <summary>Converts a trust cluster to passwords if it is one, and gives the read-only role its password.</summary>
    private async Task LockDownAsync(string superPassword, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(ConnectionString(SuperUser, "postgres", superPassword) + ";Pooling=false");
        try { await conn.OpenAsync(ct); }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            throw new RhythmicException($"The embedded PostgreSQL on 127.0.0.1:{Port} ({DataDir}) refused the password of role '{SuperUser}' in {PasswordFile(SuperUser)}: {e.MessageText}.");
        }
        // One lock-down at a time (e.g. two verbs starting at once): concurrent ALTER ROLEs of one role fail.
        await ExecAsync(conn, $"select pg_advisory_lock({AdvisoryLocks.LockDown})", ct);
        if (!HbaIsLockedDown)
        {
            // An older version's cluster (initdb --auth=trust): set the password while trust still admits us, then
            // allow nothing but passwords. Each step is idempotent, so a crash in between is finished next start.
            _log.LogWarning("The embedded PostgreSQL in {DataDir} was not locked down (a cluster of a version before this one let any local user in without a password): setting a password for {Role} (kept in {PasswordFile}) and rewriting {HbaFile} to allow password logins over 127.0.0.1 only",
                DataDir, SuperUser, PasswordFile(SuperUser), HbaFile);
            await ExecAsync(conn, $"alter role {SuperUser} with password '{PostgresPasswords.ScramVerifier(superPassword)}'", ct);
            await File.WriteAllTextAsync(HbaFile, HbaConf, ct);
            await ExecAsync(conn, "select pg_reload_conf()", ct);
            await WaitUntilPasswordlessIsRefusedAsync(ct);
        }

        var readerPassword = PostgresPasswords.ReadOrCreate(PasswordFile(ReaderRole), ReaderRole);
        await using var find = new NpgsqlCommand("select rolpassword from pg_authid where rolname = $1", conn) { Parameters = { new() { Value = ReaderRole } } };
        var stored = await find.ExecuteScalarAsync(ct);
        if (stored is null)
        {
            // The role is cluster-wide; migration 0500 creates it too (for other servers) and grants it SELECT per database.
            await ExecAsync(conn, $"""
                create role {ReaderRole} login nosuperuser nocreatedb nocreaterole noreplication nobypassrls;
                alter role {ReaderRole} set default_transaction_read_only = on;
                """, ct);
        }
        if (!PostgresPasswords.VerifierMatches(stored as string, readerPassword))
            await ExecAsync(conn, $"alter role {ReaderRole} with password '{PostgresPasswords.ScramVerifier(readerPassword)}'", ct);
    }

    /// <summary>pg_reload_conf only signals the server: wait until it applies the new pg_hba.conf.</summary>
    private async Task WaitUntilPasswordlessIsRefusedAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await using var probe = new NpgsqlConnection(ConnectionString(SuperUser, "postgres", null) + ";Pooling=false;Timeout=5");
                await probe.OpenAsync(ct);
            }
            catch (NpgsqlException) { return; }
            if (DateTime.UtcNow > deadline)
                throw new RhythmicException($"The embedded PostgreSQL in {DataDir} still lets a password-less login in after its pg_hba.conf was rewritten; see {LogFile}.");
            await Task.Delay(100, ct); // the postmaster reloads pg_hba.conf on its own time
        }
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
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
        // Any answer of the server counts, a refused password too (the caller then says why).
        var file = PasswordFile(SuperUser);
        var password = File.Exists(file) ? PostgresPasswords.Read(file, SuperUser) : "(none yet)";
        try
        {
            await using var conn = new NpgsqlConnection(ConnectionString(SuperUser, "postgres", password) + ";Timeout=2;Pooling=false");
            await conn.OpenAsync(ct);
            return true;
        }
        catch (PostgresException) { return true; }
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
