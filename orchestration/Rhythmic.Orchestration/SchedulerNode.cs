using Hangfire;
using Hangfire.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rhythmic.Orchestration.Jobs;

namespace Rhythmic.Orchestration;

/// <summary>
/// One Hangfire server of the loads on the platform's PostgreSQL. Every server of the platform shares the storage:
/// a queued job runs on exactly one of them, each recurring slot is queued once (Hangfire's scheduler takes a lock),
/// and a server that dies stops renewing its fetched job, which another server then runs again after the invisibility
/// timeout. Each node has its own storage object, so its keep-alive stops with it.
/// </summary>
public sealed class SchedulerNode : IAsyncDisposable
{
    private const string StartupMarker = "rhythmic:startup-full-load";

    private readonly BackgroundJobServer _server;
    private int _stopped;

    private SchedulerNode(string instanceId, JobStorage storage, BackgroundJobServer server)
    {
        InstanceId = instanceId;
        Storage = storage;
        _server = server;
    }

    /// <summary>This server's name, recorded with each run.</summary>
    public string InstanceId { get; }

    /// <summary>The node's storage.</summary>
    public JobStorage Storage { get; }

    /// <summary>
    /// Prepares Hangfire's tables, stores the recurring jobs, queues a full load when the warehouse is empty (once,
    /// whatever the number of servers starting), and starts the server.
    /// </summary>
    public static async Task<SchedulerNode> StartAsync(OrchestrationOptions options, ILoadRunner runner, ILoggerFactory? loggerFactory, CancellationToken ct)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        // Hangfire logs through one process-wide provider; a host with logging routes it to ours.
        if (loggerFactory is not NullLoggerFactory) HangfireLogging.Use(loggerFactory);
        var storage = await Task.Run(() => HangfireSetup.Storage(options.DataSource, prepareSchema: true, options), ct);
        var filters = HangfireSetup.Filters(options);
        var client = new BackgroundJobClient(storage, filters);
        var instance = options.InstanceId ?? $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}";
        var context = new JobContext(options, instance, runner, client, loggerFactory);

        EnsureSchedule(storage, filters, options);
        if (options.FullLoadWhenEmpty && await context.Runs.WarehouseIsEmptyAsync(ct) && QueueStartupFullLoad(storage, client))
            loggerFactory.CreateLogger<SchedulerNode>().LogInformation("The warehouse is empty: a full load is queued");

        var server = new BackgroundJobServer(new BackgroundJobServerOptions
        {
            ServerName = instance,
            WorkerCount = options.WorkerCount,
            SchedulePollingInterval = options.SchedulePollingInterval,
            ShutdownTimeout = options.ShutdownTimeout,
            FilterProvider = filters,
            Activator = new JobContextActivator(context),
        }, storage);
        return new SchedulerNode(instance, storage, server);
    }

    /// <summary>
    /// Stores the recurring jobs (UTC; a slot missed while no server ran is run once, at once: misfire mode Relaxed).
    /// Idempotent: an unchanged schedule keeps its last run, so a pending misfire survives a restart.
    /// </summary>
    internal static void EnsureSchedule(JobStorage storage, IJobFilterProvider filters, OrchestrationOptions options)
    {
        var manager = new RecurringJobManager(storage, filters);
        var recurring = new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc, MisfireHandling = MisfireHandlingMode.Relaxed };
        manager.AddOrUpdate<RhythmicJobs>(JobNames.IncrementalLoad, j => j.IncrementalLoad(RunOrigins.Schedule, null, CancellationToken.None), options.IncrementalCron, recurring);
        manager.AddOrUpdate<RhythmicJobs>(JobNames.Maintenance, j => j.Maintenance(RunOrigins.Schedule, null, CancellationToken.None), options.MaintenanceCron, recurring);
    }

    /// <summary>Queues one full load unless the one queued by an earlier start is still pending or running; returns whether it queued one.</summary>
    private static bool QueueStartupFullLoad(JobStorage storage, IBackgroundJobClient client)
    {
        using var connection = storage.GetConnection();
        using (connection.AcquireDistributedLock(StartupMarker, TimeSpan.FromSeconds(30)))
        {
            var marker = connection.GetAllEntriesFromHash(StartupMarker);
            if (marker is not null && marker.TryGetValue("job", out var previous)
                && connection.GetStateData(previous)?.Name is { } state && !JobsControl.IsFinal(state))
                return false;
            var id = client.Enqueue<RhythmicJobs>(j => j.FullLoad(RunOrigins.Startup, null, CancellationToken.None));
            using var tx = connection.CreateWriteTransaction();
            tx.SetRangeInHash(StartupMarker, [new("job", id)]);
            tx.Commit();
            return true;
        }
    }

    /// <summary>
    /// Stops the server: running jobs get their cancellation and are queued again by Hangfire; a job that does not
    /// stop within the shutdown timeout is left behind, as by a dead server, for another server to recover.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        _server.SendStop();
        await Task.Run(() => _server.Dispose());
    }
}
