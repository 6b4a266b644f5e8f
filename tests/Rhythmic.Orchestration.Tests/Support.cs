using Microsoft.Extensions.Logging.Abstractions;
using Rhythmic.Testing;

namespace Rhythmic.Orchestration.Tests;

/// <summary>A stand-in for the warehouse's loads whose behaviour each test scripts, and which counts what ran.</summary>
internal sealed class FakeRunner : ILoadRunner
{
    private int _active;
    private int _maxActive;
    private int _full;
    private int _incremental;
    private readonly List<DateTime> _reconciled = [];

    /// <summary>Called for every load with (kind, call number starting at 1); its task is the load's work.</summary>
    public Func<string, int, CancellationToken, Task<LoadOutcome>>? Load { get; set; }

    public int FullCalls => Volatile.Read(ref _full);
    public int IncrementalCalls => Volatile.Read(ref _incremental);
    /// <summary>The most loads (full or incremental) ever running at the same moment.</summary>
    public int MaxConcurrentLoads => Volatile.Read(ref _maxActive);
    public IReadOnlyList<DateTime> Reconciled { get { lock (_reconciled) return [.. _reconciled]; } }

    public Task<LoadOutcome> FullLoadAsync(CancellationToken ct) => RunAsync(JobNames.FullLoad, Interlocked.Increment(ref _full), ct);
    public Task<LoadOutcome> IncrementalLoadAsync(CancellationToken ct) => RunAsync(JobNames.IncrementalLoad, Interlocked.Increment(ref _incremental), ct);

    public Task<ReconcileOutcome> ReconcileAsync(DateTime hourUtc, CancellationToken ct)
    {
        lock (_reconciled) _reconciled.Add(hourUtc);
        return Task.FromResult(new ReconcileOutcome(hourUtc, 0, ""));
    }

    private async Task<LoadOutcome> RunAsync(string kind, int call, CancellationToken ct)
    {
        var now = Interlocked.Increment(ref _active);
        for (var seen = _maxActive; now > seen; seen = _maxActive)
            if (Interlocked.CompareExchange(ref _maxActive, now, seen) == seen) break;
        try
        {
            return Load is null ? new LoadOutcome([], 0) : await Load(kind, call, ct);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }
}

/// <summary>A private database with scheduler servers on it, stopped at the end of the test.</summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private readonly List<SchedulerNode> _nodes = [];

    public string ConnectionString { get; }
    public FakeRunner Runner { get; } = new();

    private TestCluster(string cs) => ConnectionString = cs;

    public static async Task<TestCluster> CreateAsync() => new(await TestPostgres.CreateDatabaseAsync());

    /// <summary>
    /// Fast settings for tests: a five-second invisibility timeout (a dead server's job runs elsewhere after it),
    /// quick polling, one-second backoff, two retries. The server's sessions carry its name as their application
    /// name, so a test can kill them as a dead process's.
    /// </summary>
    public OrchestrationOptions Options(string instanceId) => new()
    {
        DataSource = TestPostgres.DataSource(ConnectionStringOf(instanceId)),
        InstanceId = instanceId,
        InvisibilityTimeout = TimeSpan.FromSeconds(5),
        QueuePollInterval = TimeSpan.FromMilliseconds(200),
        SchedulePollingInterval = TimeSpan.FromSeconds(1),
        RetryBackoff = TimeSpan.FromSeconds(1),
        MaxRetries = 2,
        WorkerCount = 3,
        ShutdownTimeout = TimeSpan.FromMilliseconds(500),
        FullLoadWhenEmpty = false,
    };

    /// <summary>The database's connection string, its sessions named after <paramref name="instanceId"/>.</summary>
    public string ConnectionStringOf(string instanceId)
        => new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString) { ApplicationName = instanceId }.ConnectionString;

    /// <summary>Starts a server with the test options (adjusted by <paramref name="tweak"/>).</summary>
    public Task<SchedulerNode> StartNodeAsync(string instanceId, Func<OrchestrationOptions, OrchestrationOptions>? tweak = null)
        => StartNodeAsync((tweak ?? (o => o))(Options(instanceId)), Runner);

    /// <summary>Starts a server with these options and loads; stopped with the cluster.</summary>
    public async Task<SchedulerNode> StartNodeAsync(OrchestrationOptions options, ILoadRunner runner)
    {
        var node = await SchedulerNode.StartAsync(options, runner, NullLoggerFactory.Instance, CancellationToken.None);
        lock (_nodes) _nodes.Add(node);
        return node;
    }

    /// <summary>
    /// Kills a server as its process would die: it stops at once (no waiting for its jobs, no more keep-alive) and
    /// every database session it had (its load's transaction, its advisory lock) is terminated. Its hung job's thread
    /// stays blocked, as a dead process never resumes.
    /// </summary>
    public async Task KillAsync(SchedulerNode node)
    {
        await node.DisposeAsync();
        await TestPostgres.ExecAsync(ConnectionString,
            $"select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = '{node.InstanceId}'");
    }

    public Task<IReadOnlyList<JobRun>> RunsAsync(string? job = null)
        => new JobRunStore(TestPostgres.DataSource(ConnectionString)).HistoryAsync(job, false, 1000, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
    }
}

/// <summary>Waits on conditions with a deadline instead of sleeping.</summary>
internal static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out after {seconds}s waiting for {what}; last value: {Describe(value)}");
            await Task.Delay(100);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string what, int seconds = 60)
        => ValueAsync(() => Task.FromResult(condition()), v => v, what, seconds);

    private static string Describe<T>(T value) => value is System.Collections.IEnumerable e and not string
        ? string.Join("; ", e.Cast<object>()) : value?.ToString() ?? "null";
}
