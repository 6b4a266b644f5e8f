using Rhythmic.Core;
using Rhythmic.Core.Events;
using Rhythmic.Simulator.Data;
using Rhythmic.Simulator.Model;

namespace Rhythmic.Simulator;

/// <summary>
/// An eventsim-compatible simulation of a music-streaming service's users. History mode writes
/// [From, To) as fast as the cores allow; continuous mode releases events as the clock reaches them.
/// Users are partitioned across workers; their events are merged in (ts, userId) order, so the output is
/// byte-identical for the same options whatever the number of workers.
/// </summary>
public sealed class Simulation
{
    /// <summary>How far ahead of the clock a start may be before it is an error (not a silent sleep).</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(1);

    private readonly SimulationOptions _options;
    private readonly Engine _engine;
    private readonly long _seed;

    public Simulation(SimulationOptions options)
    {
        _options = options;
        Validate(options);
        var config = options.ConfigPath is null ? SiteConfig.Default() : SiteConfig.Load(options.ConfigPath);
        var world = options.DataDir is null ? WorldLoader.Default : WorldLoader.Load(options.DataDir);
        _seed = options.Seed ?? config.Seed ?? 42;
        var toMs = options.To?.ToUnixTimeMilliseconds() ?? long.MaxValue;
        _engine = new Engine(config, world, _seed, options.From.ToUnixTimeMilliseconds(), toMs, options.AttritionRate, options.InteractionPages);
        DataSources = world.Sources;
    }

    /// <summary>Where the catalog, names, places and user agents came from.</summary>
    public IReadOnlyList<string> DataSources { get; }

    /// <summary>The seed in use (the option, else the config's, else 42).</summary>
    public long Seed => _seed;

    private static void Validate(SimulationOptions o)
    {
        if (o.Users < 0) throw new RhythmicException($"--nusers must be 0 or more (got {o.Users}).");
        if (o.GrowthRate < 0 || double.IsNaN(o.GrowthRate)) throw new RhythmicException($"--growth-rate must be 0 or more (got {o.GrowthRate}).");
        if (o.AttritionRate is < 0 or > 1 || double.IsNaN(o.AttritionRate)) throw new RhythmicException($"--attrition-rate must be between 0 and 1 (got {o.AttritionRate}).");
        if (o.Workers < 1) throw new RhythmicException($"Workers must be at least 1 (got {o.Workers}).");
        if (!(o.Speed > 0)) throw new RhythmicException($"--speed must be more than 0 (got {o.Speed}).");
        if (o.Users == 0 && o.GrowthRate == 0) throw new RhythmicException("Nothing to simulate: --nusers is 0 and --growth-rate is 0.");
        var now = o.Clock.GetUtcNow();
        if (o.To is { } to && to <= o.From) throw new RhythmicException($"--to ({to:O}) must be after --from ({o.From:O}).");
        if (o.Continuous)
        {
            if (o.From > now + FutureTolerance)
                throw new RhythmicException($"--from {o.From:O} is in the future (now is {now:O}); continuous mode starts now or catches up from the past, it does not wait.");
        }
        else
        {
            if (o.To is null) throw new RhythmicException("A history run needs an end (--to); use --continuous to run without one.");
            if (o.From > now + FutureTolerance)
                throw new RhythmicException($"--from {o.From:O} is in the future (now is {now:O}): history runs generate past events.");
        }
    }

    /// <summary>Runs the simulation into <paramref name="sink"/> and flushes it.</summary>
    public async Task<SimulationSummary> RunAsync(IEventSink sink, CancellationToken ct)
    {
        var o = _options;
        var w = o.Workers;
        var workers = Enumerable.Range(0, w).Select(i => new Worker(_engine, i, w)).ToArray();
        var batches = new[] { NewBatches(w), NewBatches(w) };
        try
        {
            await Task.Run(() => Parallel.For(0, w, new ParallelOptions { MaxDegreeOfParallelism = w, CancellationToken = ct },
                i => workers[i].CreateInitialUsers(o.Users)), ct);
            var arrivals = new Arrivals(_engine, o.Users, o.GrowthRate);
            var windowMs = 60_000L;
            var start = _engine.FromMs;
            var toMs = _engine.ToMs;
            var wallStart = o.Clock.GetUtcNow().ToUnixTimeMilliseconds();
            var lastProgress = 0L;
            long written = 0;
            var flip = 0;
            Task? merging = null;
            while (start < toMs)
            {
                ct.ThrowIfCancellationRequested();
                var end = toMs - start > windowMs ? start + windowMs : toMs;
                if (o.Continuous)
                {
                    var wallNow = o.Clock.GetUtcNow().ToUnixTimeMilliseconds();
                    var simNow = wallStart + (long)((wallNow - wallStart) * o.Speed);
                    if (simNow < end) end = Math.Max(start, simNow);
                    if (end <= start)
                    {
                        if (merging is not null) { await merging; merging = null; }
                        await Task.Delay(TimeSpan.FromMilliseconds(200), o.Clock, ct);
                        continue;
                    }
                }
                arrivals.AddUntil(end, workers);
                var current = batches[flip];
                flip ^= 1;
                await GenerateAsync(workers, current, end, ct);
                if (merging is not null) await merging;
                var count = current.Sum(b => b.Count);
                written += count;
                // Merge this window on another thread while the next one is generated.
                var s = sink;
                merging = w > 1 && !o.Continuous ? Task.Run(() => Merge(current, s), ct) : null;
                if (merging is null) Merge(current, sink);
                // Aim at ~100K events per window: small enough for memory, large enough to amortise the hand-over.
                if (count > 200_000 && windowMs > 1000) windowMs /= 2;
                else if (count < 50_000 && windowMs < 86_400_000) windowMs *= 2;
                start = end;
                var wall = Environment.TickCount64;
                if (o.Progress is not null && (wall - lastProgress > 200 || start >= toMs))
                {
                    lastProgress = wall;
                    o.Progress.Report(new SimulationProgress(DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(start, toMs)), written, workers.Sum(x => x.ActiveUsers)));
                }
            }
            if (merging is not null) await merging;
            await sink.FlushAsync(ct);
            var counts = new Counts();
            foreach (var worker in workers) counts.Add(worker.Counts);
            return new SimulationSummary(counts.Total, counts.PageViews, counts.Listens, counts.Auth, counts.StatusChanges,
                arrivals.Created, workers.Sum(x => x.ActiveUsers));
        }
        finally
        {
            foreach (var set in batches) foreach (var b in set) b.Dispose();
        }
    }

    private static EventBatch[] NewBatches(int n) => Enumerable.Range(0, n).Select(_ => new EventBatch()).ToArray();

    private static Task GenerateAsync(Worker[] workers, EventBatch[] batches, long end, CancellationToken ct)
    {
        if (workers.Length == 1)
        {
            workers[0].Generate(end, batches[0]);
            return Task.CompletedTask;
        }
        return Task.Run(() => Parallel.For(0, workers.Length, new ParallelOptions { MaxDegreeOfParallelism = workers.Length, CancellationToken = ct },
            i => workers[i].Generate(end, batches[i])), ct);
    }

    /// <summary>k-way merge of the workers' batches by (ts, userId); a user lives in one worker, so ties keep its order.</summary>
    private static void Merge(EventBatch[] batches, IEventSink sink)
    {
        var topics = Engine.TopicNames;
        if (batches.Length == 1)
        {
            var b = batches[0];
            for (var i = 0; i < b.Count; i++) Write(sink, topics, b, ref b.Records[i]);
            return;
        }
        Span<int> pos = stackalloc int[batches.Length];
        while (true)
        {
            var best = -1;
            long bestTs = 0, bestUser = 0;
            for (var k = 0; k < batches.Length; k++)
            {
                if (pos[k] >= batches[k].Count) continue;
                ref var r = ref batches[k].Records[pos[k]];
                if (best < 0 || r.Ts < bestTs || (r.Ts == bestTs && r.UserId < bestUser)) { best = k; bestTs = r.Ts; bestUser = r.UserId; }
            }
            if (best < 0) return;
            var batch = batches[best];
            Write(sink, topics, batch, ref batch.Records[pos[best]++]);
        }
    }

    private static void Write(IEventSink sink, string[] topics, EventBatch b, ref EventBatch.Record r)
    {
        var data = b.Data.AsSpan(r.Offset, r.KeyLength + r.JsonLength);
        sink.Write(topics[r.Topic], data[..r.KeyLength], data[r.KeyLength..], r.Ts);
    }

    /// <summary>New users as a Poisson process whose mean gap is a year / (users × growth rate), users counting the arrivals.</summary>
    private sealed class Arrivals(Engine engine, int initialUsers, double growthRate)
    {
        private Rng _rng = new(engine.Seed, -1);
        private long _users = initialUsers;
        private long _nextId = initialUsers + 1L;
        private long _next = growthRate > 0 ? engine.FromMs : long.MaxValue;
        private bool _primed;
        public int Created { get; private set; }

        public void AddUntil(long endMs, Worker[] workers)
        {
            if (growthRate <= 0) return;
            if (!_primed) { _primed = true; Step(); }
            while (_next < endMs)
            {
                var id = _nextId++;
                workers[(int)((id - 1) % workers.Length)].Add(engine.ArrivingUser(id, _next));
                _users++;
                Created++;
                Step();
            }
        }

        private void Step()
        {
            var meanMs = Engine.SecondsPerYear * 1000.0 / (Math.Max(1, _users) * growthRate);
            _next += Math.Max(1, (long)_rng.Exponential(meanMs));
        }
    }
}
