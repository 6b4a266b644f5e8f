using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using Npgsql;
using Rhythmic.Core.Configuration;
using Rhythmic.Testing;

namespace Rhythmic.Core.Tests;

/// <summary>The embedded PostgreSQL lets nobody in without a password, and the serving API's role can only read.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PostgresLockdownTests
{
    private static bool IsRoot => Environment.UserName == "root";

    [Fact]
    public async Task A_login_without_the_password_is_refused()
    {
        var pg = await TestPostgres.ClusterAsync();
        var noPassword = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = pg.Port, Username = EmbeddedPostgres.SuperUser, Database = "postgres", Pooling = false, Passfile = "/dev/null" };
        await using var conn = new NpgsqlConnection(noPassword.ConnectionString);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => conn.OpenAsync());
    }

    [Fact]
    public async Task Psql_without_the_password_is_refused()
    {
        var pg = await TestPostgres.ClusterAsync();
        var psi = new ProcessStartInfo("psql", ["-h", "127.0.0.1", "-p", pg.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", EmbeddedPostgres.SuperUser, "-d", "postgres", "-w", "-c", "select 1"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        psi.Environment.Remove("PGPASSWORD");
        psi.Environment["PGPASSFILE"] = "/dev/null";
        using var psql = Process.Start(psi)!;
        var stderr = await psql.StandardError.ReadToEndAsync();
        await psql.WaitForExitAsync();
        Assert.NotEqual(0, psql.ExitCode);
        Assert.Contains("password", stderr);
    }

    [Fact]
    public async Task A_wrong_password_is_refused()
    {
        var pg = await TestPostgres.ClusterAsync();
        var wrong = new NpgsqlConnectionStringBuilder(pg.ConnectionString()) { Password = "not-the-password", Pooling = false };
        await using var conn = new NpgsqlConnection(wrong.ConnectionString);
        var e = await Assert.ThrowsAsync<PostgresException>(() => conn.OpenAsync());
        Assert.Equal(PostgresErrorCodes.InvalidPassword, e.SqlState);
    }

    [Fact]
    public async Task Pg_hba_conf_admits_SCRAM_logins_over_loopback_only()
    {
        var pg = await TestPostgres.ClusterAsync();
        var rules = File.ReadAllLines(Path.Combine(pg.DataDir, "pg_hba.conf")).Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')).ToList();
        Assert.Equal(["host all all 127.0.0.1/32 scram-sha-256"], rules);
        Assert.Equal("scram-sha-256", await TestPostgres.ScalarAsync<string>(pg.ConnectionString(), "show password_encryption"));
    }

    [Fact]
    public async Task The_passwords_are_in_private_files_outside_the_data_directory()
    {
        var pg = await TestPostgres.ClusterAsync();
        Assert.False(pg.SecretsDir.StartsWith(pg.DataDir + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(pg.SecretsDir));
        foreach (var role in new[] { EmbeddedPostgres.SuperUser, EmbeddedPostgres.ReaderRole })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(pg.PasswordFile(role)));
            Assert.True(File.ReadAllText(pg.PasswordFile(role)).Trim().Length >= 40);
        }
        Assert.NotEqual(File.ReadAllText(pg.PasswordFile(EmbeddedPostgres.SuperUser)), File.ReadAllText(pg.PasswordFile(EmbeddedPostgres.ReaderRole)));
    }

    [Fact]
    public async Task The_reader_reads_the_platforms_schemas()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        await TestPostgres.ExecAsync(cs, "insert into dw.load_state (hour, manifest_digest, files, events, load_kind) values ('2026-03-02 10:00+00', 'x', 1, 9, 'full')");
        var reader = await TestPostgres.ReaderConnectionStringAsync(cs);
        Assert.Equal(9, await TestPostgres.ScalarAsync<long>(reader, "select sum(events) from dw.load_state"));
        Assert.Equal(0, await TestPostgres.ScalarAsync<long>(reader, "select count(*) from serving.dead_letters"));
        Assert.Equal(0, await TestPostgres.ScalarAsync<long>(reader, "select count(*) from lake.files"));
        Assert.Equal(0, await TestPostgres.ScalarAsync<long>(reader, "select count(*) from ops.job_runs"));
    }

    [Fact]
    public async Task The_reader_reads_tables_created_after_the_migration()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        await TestPostgres.ExecAsync(cs, "create table serving.added_later (x int); insert into serving.added_later values (7)");
        Assert.Equal(7, await TestPostgres.ScalarAsync<int>(await TestPostgres.ReaderConnectionStringAsync(cs), "select x from serving.added_later"));
    }

    [Theory]
    [InlineData("insert into serving.listens_minute select * from serving.listens_minute")]
    [InlineData("update dw.load_state set files = 0")]
    [InlineData("delete from lake.files")]
    [InlineData("truncate ops.job_runs")]
    [InlineData("create table serving.mine (x int)")]
    [InlineData("create table public.mine (x int)")]
    [InlineData("drop table serving.dead_letters")]
    public async Task The_reader_cannot_write(string sql)
    {
        var reader = await TestPostgres.ReaderConnectionStringAsync(await TestPostgres.CreateDatabaseAsync());
        // Its read-only default is only a second line of defence: with it switched off, the privileges still refuse.
        await using var conn = new NpgsqlConnection(reader);
        await conn.OpenAsync();
        await using (var readWrite = new NpgsqlCommand("set default_transaction_read_only = off", conn)) await readWrite.ExecuteNonQueryAsync();
        await using var write = new NpgsqlCommand(sql, conn);
        var e = await Assert.ThrowsAsync<PostgresException>(() => write.ExecuteNonQueryAsync());
        Assert.True(e.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{e.SqlState}: {e.MessageText}");
    }

    [Fact]
    public async Task The_readers_transactions_are_read_only_by_default()
    {
        var reader = await TestPostgres.ReaderConnectionStringAsync(await TestPostgres.CreateDatabaseAsync());
        Assert.Equal("on", await TestPostgres.ScalarAsync<string>(reader, "show default_transaction_read_only"));
    }

    [Fact]
    public void A_SCRAM_verifier_matches_its_password_only()
    {
        var password = Gen.Elements("abcXYZ019-_".ToCharArray()).ArrayOf().Where(c => c.Length > 0).Select(c => new string(c));
        Prop.ForAll(password.ToArbitrary(), password.ToArbitrary(), (a, b) =>
        {
            var verifier = PostgresPasswords.ScramVerifier(a, iterations: 16);
            return PostgresPasswords.VerifierMatches(verifier, a) && (a == b || !PostgresPasswords.VerifierMatches(verifier, b));
        }).QuickCheckThrowOnFailure();
        Assert.False(PostgresPasswords.VerifierMatches(null, "x"));
        Assert.False(PostgresPasswords.VerifierMatches("md5abc", "x"));
    }

    [Fact]
    public void The_embedded_connection_string_carries_the_password_from_its_file()
    {
        var home = Directory.CreateTempSubdirectory("rhythmic-pgpass-").FullName;
        try
        {
            var s = RhythmicConfiguration.Load(home);
            var file = PostgresPasswords.FileOf(Path.Combine(home, ".local/pg-secrets"), EmbeddedPostgres.SuperUser);
            var missing = Assert.Throws<RhythmicException>(() => s.Postgres.EffectiveConnectionString);
            Assert.Contains(file, missing.Message);
            Assert.DoesNotContain('\n', missing.Message);

            var password = PostgresPasswords.ReadOrCreate(file, EmbeddedPostgres.SuperUser);
            Assert.Equal(password, new NpgsqlConnectionStringBuilder(s.Postgres.EffectiveConnectionString).Password);
            Assert.Equal(password, PostgresPasswords.ReadOrCreate(file, EmbeddedPostgres.SuperUser));
            var reader = PostgresPasswords.ReadOrCreate(PostgresPasswords.FileOf(s.Postgres.SecretsDir, EmbeddedPostgres.ReaderRole), EmbeddedPostgres.ReaderRole);
            var readerCs = new NpgsqlConnectionStringBuilder(s.Postgres.EffectiveReaderConnectionString);
            Assert.Equal((EmbeddedPostgres.ReaderRole, reader), (readerCs.Username, readerCs.Password));
        }
        finally { Directory.Delete(home, recursive: true); }
    }

    [Fact]
    public void The_repositorys_appsettings_json_holds_no_password()
    {
        var text = File.ReadAllText(Path.Combine(RhythmicConfiguration.FindHome(), "appsettings.json"));
        Assert.DoesNotContain("password", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_reader_connection_string_needs_a_configured_server()
    {
        var home = Directory.CreateTempSubdirectory("rhythmic-pgreader-").FullName;
        try
        {
            var e = Assert.Throws<RhythmicException>(() => RhythmicConfiguration.Load(home, new Dictionary<string, string?> { ["Postgres:ReaderConnectionString"] = "Host=x" }));
            Assert.Contains("Postgres:ReaderConnectionString is only used with Postgres:ConnectionString", e.Message);
            e = Assert.Throws<RhythmicException>(() => RhythmicConfiguration.Load(home, new Dictionary<string, string?>
            {
                ["Postgres:ConnectionString"] = "Host=x", ["Postgres:ReaderConnectionString"] = "Nonsense=1",
            }));
            Assert.Contains("Postgres:ReaderConnectionString is not a valid connection string", e.Message);
        }
        finally { Directory.Delete(home, recursive: true); }
    }

    /// <summary>
    /// A machine that ran an older version has a cluster made with trust authentication (and maybe still running):
    /// the next start sets a password, rewrites pg_hba.conf and keeps the data.
    /// </summary>
    [Fact]
    public async Task A_cluster_made_with_trust_authentication_is_converted_on_start()
    {
        var dir = Directory.CreateTempSubdirectory("rhythmic-trust-pg-").FullName;
        var data = Path.Combine(dir, "data");
        var port = EmbeddedPostgres.FreePort();
        try
        {
            await OldVersion.InitAndStartWithTrustAsync(data, port);
            var trustCs = $"Host=127.0.0.1;Port={port};Username={EmbeddedPostgres.SuperUser};Database=postgres;Pooling=false";
            await TestPostgres.ExecAsync(trustCs, "create table kept (x int); insert into kept values (42)");

            var pg = new EmbeddedPostgres(data, port, durable: false);
            await pg.StartAsync(); // finds it running, as `rhythmic up` after an upgrade would

            Assert.True(File.Exists(pg.PasswordFile(EmbeddedPostgres.SuperUser)));
            await using (var noPassword = new NpgsqlConnection(trustCs + ";Passfile=/dev/null"))
                await Assert.ThrowsAnyAsync<NpgsqlException>(() => noPassword.OpenAsync());
            Assert.Equal(42, await TestPostgres.ScalarAsync<int>(pg.ConnectionString(), "select x from kept"));

            // Restarted, it is still locked down and the same password lets us in.
            await pg.StopAsync();
            await new EmbeddedPostgres(data, port, durable: false).StartAsync();
            Assert.Equal(42, await TestPostgres.ScalarAsync<int>(pg.ConnectionString(), "select x from kept"));
            Assert.Equal(1, await TestPostgres.ScalarAsync<int>(pg.ReaderConnectionString(), "select 1"));
        }
        finally
        {
            try { await new EmbeddedPostgres(data, port).StopAsync(immediate: true); } catch (RhythmicException) { }
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_locked_cluster_whose_password_file_is_lost_says_so()
    {
        var dir = Directory.CreateTempSubdirectory("rhythmic-lost-pg-").FullName;
        var pg = new EmbeddedPostgres(Path.Combine(dir, "data"), EmbeddedPostgres.FreePort(), durable: false);
        try
        {
            await pg.StartAsync();
            await pg.StopAsync();
            File.Delete(pg.PasswordFile(EmbeddedPostgres.SuperUser));
            var e = await Assert.ThrowsAsync<RhythmicException>(() => pg.StartAsync());
            Assert.Contains(pg.PasswordFile(EmbeddedPostgres.SuperUser), e.Message);
        }
        finally
        {
            try { await pg.StopAsync(immediate: true); } catch (RhythmicException) { }
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>What the versions before issue 15 did: initdb with trust authentication, then pg_ctl start.</summary>
    private static class OldVersion
    {
        public static async Task InitAndStartWithTrustAsync(string data, int port)
        {
            Directory.CreateDirectory(data);
            if (IsRoot)
            {
                await RunAsync("chown", ["-R", "postgres:postgres", data]);
                for (var d = new DirectoryInfo(data).Parent; d is not null && d.FullName != "/"; d = d.Parent)
                    if ((d.UnixFileMode & UnixFileMode.OtherExecute) == 0) d.UnixFileMode |= UnixFileMode.OtherExecute;
            }
            var bin = EmbeddedPostgres.FindBinDir();
            await RunAsServerUserAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", EmbeddedPostgres.SuperUser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-instructions"]);
            await RunAsServerUserAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(data, "server.log"), "-o",
                $"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories='' -c fsync=off", "-w", "-t", "60", "start"]);
        }

        private static Task RunAsServerUserAsync(string exe, string[] args) => IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", exe, .. args]) : RunAsync(exe, args);

        private static async Task RunAsync(string exe, string[] args)
        {
            var psi = new ProcessStartInfo(exe, args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"{exe} failed: {await stderr} {await stdout}");
        }
    }
}
