using System.Globalization;
using Npgsql;
using Rhythmic.Core.Configuration;
using Rhythmic.Core.Events;
using Rhythmic.Lake.Identity;
using Rhythmic.Lake.Storage;
using Rhythmic.Parquet;

namespace Rhythmic.Lake.Backfill;

/// <summary>Options of a history backfill into the lake.</summary>
public sealed class LakeSinkOptions
{
    public int RowGroupRows { get; init; } = 100_000;
    public ParquetCodec Codec { get; init; } = ParquetCodec.Snappy;
    /// <summary>The end of the simulated history (--to): every topic's backfill watermark is set to it on dispose.</summary>
    public DateTimeOffset? WatermarkAt { get; init; }
    /// <summary>Names this run's files (part-backfill-&lt;run&gt;-&lt;seq&gt;.parquet).</summary>
    public string RunId { get; init; } = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
    /// <summary>A file is closed once it holds this many events even if its hour is still open.</summary>
    public int MaxRowsPerFile { get; init; } = 1_000_000;
}

/// <summary>
/// Writes simulated history straight into the lake (no Kafka): the same layout, schema and manifest as the lander,
/// with source 'backfill' and partition -1. Into the platform's Lake:Root its files are recorded in the platform's
/// manifest (PostgreSQL, bound to that directory first); into any other directory, in that directory's own manifest
/// (<see cref="StandaloneLakeManifest"/>), never the platform's. Events are grouped by topic and event-time hour; an hour's file is
/// closed once the simulation is two hours past it (a later event of that hour gets a file of its own), and
/// committed files become visible in batches.
/// </summary>
public sealed class LakeSink : IEventSink
{
    private const int BackfillPartition = -1;
    private readonly ILakeStorage _storage;
    private readonly ILakeCommitTarget _target;
    private readonly LakeSinkOptions _options;
    private readonly EventParser _parser = new(new EventParserOptions { MaxFutureSeconds = int.MaxValue, MaxMessageBytes = 0 });
    private readonly EventRecord _record = new();
    private readonly Dictionary<(string Topic, long Hour), PendingFile> _open = [];
    private readonly List<PendingFile> _closed = [];
    private readonly List<DeadLetter> _deadLetters = [];
    private readonly Dictionary<string, long> _sequence = [];
    private long _newestHour = long.MinValue;
    private int _fileSequence;

    /// <summary>Events accepted so far.</summary>
    public long Events { get; private set; }
    /// <summary>Events rejected (stored as dead letters of group "lake-backfill").</summary>
    public long Rejected { get; private set; }
    /// <summary>Files committed so far.</summary>
    public int FilesCommitted { get; private set; }

    /// <summary>A backfill of <paramref name="storage"/>'s directory recorded in the platform's <paramref name="manifest"/> (bound to that directory at the first commit).</summary>
    public LakeSink(ILakeStorage storage, LakeManifest manifest, LakeSinkOptions? options = null)
        : this(storage, new PostgresCommitTarget(manifest, storage), options) { }

    /// <summary>A backfill of a standalone lake, recorded in its own <paramref name="manifest"/>.</summary>
    public LakeSink(ILakeStorage storage, StandaloneLakeManifest manifest, LakeSinkOptions? options = null)
        : this(storage, (ILakeCommitTarget)manifest, options) { }

    private LakeSink(ILakeStorage storage, ILakeCommitTarget target, LakeSinkOptions? options)
    {
        _storage = storage;
        _target = target;
        _options = options ?? new LakeSinkOptions();
        Location = LakeRootBinding.Normalize(storage.Location);
        ManifestLocation = target is StandaloneLakeManifest own ? own.Location : null;
    }

    /// <summary>The lake's directory.</summary>
    public string Location { get; }

    /// <summary>The standalone lake's own manifest file, or null when the files go to the platform's manifest.</summary>
    public string? ManifestLocation { get; }

    /// <summary>
    /// Whether <c>rhythmic simulate --lake [DIR]</c> writes the platform's lake (and its PostgreSQL manifest): with no
    /// DIR, or a DIR that is the platform's Lake:Root. Any other DIR is a standalone lake.
    /// </summary>
    public static bool TargetsPlatformLake(RhythmicSettings settings, string? directory)
        => string.IsNullOrWhiteSpace(directory) || LakeRootBinding.SameDirectory(settings.PathOf(directory), settings.PathOf(settings.Lake.Root));

    /// <summary>
    /// The sink behind <c>rhythmic simulate --lake [DIR]</c>. The platform's lake (no DIR, or DIR is Lake:Root) records its
    /// files in the platform's PostgreSQL manifest through <paramref name="platform"/> (the database must be migrated:
    /// PlatformDatabase.PrepareAsync) after binding the directory to it; any other DIR gets (or keeps) a manifest of its
    /// own inside it, and <paramref name="platform"/> may be null.
    /// </summary>
    public static async Task<LakeSink> CreateAsync(RhythmicSettings settings, NpgsqlDataSource? platform, string? directory = null, DateTimeOffset? to = null, CancellationToken ct = default)
    {
        var options = new LakeSinkOptions
        {
            RowGroupRows = settings.Lander.RowGroupRows, Codec = settings.Lander.Codec == "none" ? ParquetCodec.None : ParquetCodec.Snappy, WatermarkAt = to,
        };
        if (!TargetsPlatformLake(settings, directory))
        {
            var own = new LocalLakeStorage(settings.PathOf(directory!));
            return new LakeSink(own, StandaloneLakeManifest.OpenOrCreate(own), options);
        }
        var storage = new LocalLakeStorage(settings.PathOf(settings.Lake.Root));
        var manifest = new LakeManifest(platform ?? throw new ArgumentNullException(nameof(platform), "The platform's lake needs the platform's database."));
        await manifest.BindRootAsync(storage, ct);   // refused now, before any simulation, if the directory is not this manifest's
        return new LakeSink(storage, manifest, options);
    }

    public void Write(string topic, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, long timestampMs)
    {
        var seq = _sequence.TryGetValue(topic, out var s) ? s : 0;
        _sequence[topic] = seq + 1;
        if (!_parser.TryParse(topic, json, _record, out var reason))
        {
            Rejected++;
            _deadLetters.Add(DeadLetter.Of(topic, BackfillPartition, seq, DateTime.UtcNow, reason, json));
            return;
        }
        var hour = LakeLayout.HourOf(_record.Ts);
        if (!_open.TryGetValue((topic, hour), out var file))
            _open[(topic, hour)] = file = new PendingFile(topic, BackfillPartition, hour, _options.RowGroupRows, _options.Codec);
        file.Add(_record, BackfillPartition, seq, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), json.Length);
        Events++;
        if (file.Rows >= _options.MaxRowsPerFile) Close((topic, hour));
        if (hour > _newestHour)
        {
            _newestHour = hour;
            foreach (var old in _open.Keys.Where(k => k.Hour < hour - 2 * 3_600_000L).ToList()) Close(old);
            if (_closed.Count >= 32) CommitClosed();
        }
    }

    private void Close((string Topic, long Hour) key)
    {
        _closed.Add(_open[key]);
        _open.Remove(key);
    }

    /// <summary>Writes, publishes and commits the closed files and dead letters.</summary>
    private void CommitClosed(IEnumerable<WatermarkAdvance>? watermarks = null)
    {
        var commit = new LakeCommit();
        foreach (var file in _closed)
        {
            var final = LakeLayout.BackfillFile(file.Topic, file.HourMs, _options.RunId, _fileSequence++);
            var temp = final + LakeLayout.TempSuffix;
            var bytes = file.WriteTemp(_storage, temp);
            _storage.Publish(temp, final);
            commit.Files.Add(new NewLakeFile(file.Topic, BackfillPartition, file.FirstOffset, file.LastOffset, file.HourMs, final, file.Rows, bytes, "backfill"));
        }
        commit.DeadLetters.AddRange(_deadLetters);
        if (watermarks is not null) commit.Watermarks.AddRange(watermarks);
        _target.CommitAsync("lake-backfill", commit, CancellationToken.None).GetAwaiter().GetResult();
        FilesCommitted += commit.Files.Count;
        _closed.Clear();
        _deadLetters.Clear();
    }

    public Task FlushAsync(CancellationToken ct)
    {
        foreach (var key in _open.Keys.ToList()) Close(key);
        CommitClosed();
        return Task.CompletedTask;
    }

    /// <summary>Commits what is left and sets every topic's backfill watermark to <see cref="LakeSinkOptions.WatermarkAt"/>.</summary>
    public ValueTask DisposeAsync()
    {
        foreach (var key in _open.Keys.ToList()) Close(key);
        CommitClosed(_options.WatermarkAt is { } to
            ? Topics.All.Select(t => new WatermarkAdvance(t, BackfillPartition, to.ToUnixTimeMilliseconds()))
            : null);
        return ValueTask.CompletedTask;
    }
}
