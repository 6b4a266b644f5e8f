using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Quartz;
using Rhythmic.Orchestration.Jobs;

namespace Rhythmic.Orchestration;

/// <summary>
/// Builds the Quartz scheduler of the loads: the ADO.NET job store (PostgreSQL delegate, Npgsql) on the platform's
/// database in ops.qrtz_* (created by migration 0400, so Quartz only validates them), clustered so that every fire
/// runs on exactly one node and a dead node's jobs are recovered by another. Job data are strings only, so nothing
/// is binary-serialized.
/// </summary>
public static class OrchestratorScheduler
{
    /// <summary>The scheduler name every node shares (ops.qrtz_*.sched_name): the cluster.</summary>
    public const string SchedulerName = "rhythmic";
    /// <summary>Table prefix of the job store.</summary>
    public const string TablePrefix = "ops.qrtz_";

    /// <summary>A node of the cluster, with the jobs, not yet started.</summary>
    public static Task<IScheduler> BuildAsync(OrchestrationOptions options, ILoadRunner runner, ILoggerFactory? loggerFactory, CancellationToken ct)
    {
        var jobs = new JobContext(options, runner, loggerFactory ?? NullLoggerFactory.Instance);
        return Build(options, q =>
        {
            q.Services.AddSingleton(jobs);
            q.AddJobType<FullLoadJob>();
            q.AddJobType<IncrementalLoadJob>();
            q.AddJobType<ReconcileJob>();
            q.AddJobType<MaintenanceJob>();
        }, loggerFactory).BuildScheduler(ct).AsTask();
    }

    /// <summary>
    /// A handle on the cluster's job store for control (list, trigger) that runs nothing: never started, so it never
    /// checks in, fires or recovers anything. A trigger stored through it is fired by a running node.
    /// </summary>
    public static Task<IScheduler> BuildClientAsync(string connectionString, CancellationToken ct)
        => Build(new OrchestrationOptions { ConnectionString = connectionString, InstanceId = $"client-{Environment.ProcessId}-{Guid.NewGuid():N}" }, _ => { }, null)
            .BuildScheduler(ct).AsTask();

    private static QuartzSchedulerBuilder Build(OrchestrationOptions options, Action<IQuartzBuilder> addJobs, ILoggerFactory? loggerFactory)
        => QuartzSchedulerBuilder.Create(q =>
        {
            if (loggerFactory is not null) q.Services.AddSingleton(loggerFactory);
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = SchedulerName;
                if (options.InstanceId is null) s.GenerateInstanceId = true;
                else s.InstanceId = options.InstanceId;
                s.IdleWaitTime = options.IdleWaitTime;
            });
            q.UseDefaultThreadPool(options.ThreadCount);
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(options.ConnectionString);
                store.ConfigureStore(o =>
                {
                    o.TablePrefix = TablePrefix;
                    o.StoreJobDataAsStrings = true;
                    o.MisfireThreshold = options.MisfireThreshold;
                    o.RecoverFiringsCancelledByShutdown = true;
                    o.SchemaProvisioning = SchemaProvisioning.Validate;
                });
                store.UseClustering(c =>
                {
                    c.CheckinInterval = options.CheckinInterval;
                    c.CheckinMisfireThreshold = options.CheckinInterval * 2;
                });
            });
            addJobs(q);
        });

    /// <summary>
    /// Stores the jobs and their schedules, idempotently and safely from several nodes at once. An existing cron
    /// trigger is kept as it is (replacing it would forget a misfire pending since the downtime) unless its
    /// expression changed.
    /// </summary>
    public static async Task EnsureScheduleAsync(IScheduler scheduler, OrchestrationOptions options, CancellationToken ct)
    {
        await AddJobAsync<FullLoadJob>(scheduler, JobNames.FullLoad, "Rebuild the warehouse from the whole lake.", ct);
        await AddJobAsync<IncrementalLoadJob>(scheduler, JobNames.IncrementalLoad, "Load complete new and changed hours.", ct);
        await AddJobAsync<ReconcileJob>(scheduler, JobNames.Reconcile, "Compare speed and batch totals of loaded hours.", ct);
        await AddJobAsync<MaintenanceJob>(scheduler, JobNames.Maintenance, "Vacuum and analyze the changed warehouse tables, holding the loads' lock; purge expired serving minutes and dead letters.", ct);
        await EnsureCronAsync(scheduler, JobNames.IncrementalLoad, options.IncrementalCron, ct);
        await EnsureCronAsync(scheduler, JobNames.Maintenance, options.MaintenanceCron, ct);
    }

    /// <summary>Queues one full load now unless one is already queued; returns whether it queued one.</summary>
    public static async Task<bool> QueueStartupFullLoadAsync(IScheduler scheduler, CancellationToken ct)
    {
        var trigger = TriggerBuilder.Create()
            .WithIdentity(JobNames.FullLoad + ".startup", JobNames.Group)
            .ForJob(JobNames.Key(JobNames.FullLoad))
            .UsingJobData(RecordedJob.OriginKey, RunOrigins.Startup)
            .StartNow()
            .WithSimpleSchedule(x => x.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        try
        {
            await scheduler.ScheduleJob(trigger, new ScheduleJobOptions(), ct);
            return true;
        }
        catch (ObjectAlreadyExistsException)
        {
            return false; // another node queued it first
        }
    }

    /// <summary>The cron trigger's key of a scheduled job.</summary>
    public static TriggerKey CronKey(string job) => new(job + ".cron", JobNames.Group);

    private static async Task AddJobAsync<TJob>(IScheduler scheduler, string name, string description, CancellationToken ct) where TJob : IJob
    {
        var job = JobBuilder.Create<TJob>()
            .WithIdentity(JobNames.Key(name))
            .WithDescription(description)
            .StoreDurably()
            .RequestRecovery()
            .Build();
        await scheduler.AddJob(job, AddJobOptions.Replacing, ct);
    }

    private static async Task EnsureCronAsync(IScheduler scheduler, string job, string cron, CancellationToken ct)
    {
        var key = CronKey(job);
        var trigger = TriggerBuilder.Create()
            .WithIdentity(key)
            .ForJob(JobNames.Key(job))
            .UsingJobData(RecordedJob.OriginKey, RunOrigins.Schedule)
            .WithCronSchedule(cron, x => x.WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed).InTimeZone(TimeZoneInfo.Utc))
            .Build();
        var existing = await scheduler.GetTrigger(key, ct);
        if (existing is ICronTrigger current)
        {
            if (current.CronExpressionString != cron) await scheduler.RescheduleJob(key, trigger, ct);
            return;
        }
        try { await scheduler.ScheduleJob(trigger, new ScheduleJobOptions(), ct); }
        catch (ObjectAlreadyExistsException) { }
    }
}
