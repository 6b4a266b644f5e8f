using Microsoft.Extensions.Logging.Abstractions;
using Quartz;
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

/// <summary>A private database with scheduler nodes on it, shut down at the end of the test.</summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private readonly List<IScheduler> _nodes = [];

    public string ConnectionString { get; }
    public FakeRunner Runner { get; } = new();

    private TestCluster(string cs) => ConnectionString = cs;

    public static async Task<TestCluster> CreateAsync() => new(await TestPostgres.CreateDatabaseAsync());

    /// <summary>Fast settings for tests: a one-second check-in (a silent node is presumed dead after two), quick polling, short backoff.</summary>
    public OrchestrationOptions Options(string instanceId) => new()
    {
        ConnectionString = ConnectionString,
        InstanceId = instanceId,
        CheckinInterval = TimeSpan.FromSeconds(1),
        IdleWaitTime = TimeSpan.FromSeconds(1),
        MisfireThreshold = TimeSpan.FromSeconds(1),
        RetryBackoff = TimeSpan.FromMilliseconds(100),
        MaxRetries = 2,
        FullLoadWhenEmpty = false,
    };

    /// <summary>Starts a node with the test options (adjusted by <paramref name="tweak"/>).</summary>
    public async Task<IScheduler> StartNodeAsync(string instanceId, Func<OrchestrationOptions, OrchestrationOptions>? tweak = null)
    {
        var options = (tweak ?? (o => o))(Options(instanceId));
        var node = await OrchestratorService.StartNodeAsync(options, Runner, NullLoggerFactory.Instance, CancellationToken.None);
        lock (_nodes) _nodes.Add(node);
        return node;
    }

    public Task<IReadOnlyList<JobRun>> RunsAsync(string? job = null)
        => new JobRunStore(ConnectionString).HistoryAsync(job, false, 1000, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
            if (node.Status is not (SchedulerStatus.Shutdown or SchedulerStatus.ShuttingDown)) await node.Shutdown(false, CancellationToken.None);
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
