using Rhythmic.Core.Events;
using Rhythmic.Testing;

namespace Rhythmic.Lake.Tests.Lake;

public sealed class LakeManifestTests
{
    private static NewLakeFile File(int partition, long hourMs, int n) =>
        new(Topics.Listen, partition, n * 10, n * 10 + 9, hourMs, $"raw/listen_events/f-{partition}-{n}.parquet", 10, 1_000, "lander");

    [Fact]
    public async Task One_commit_records_every_file_offset_watermark_and_dead_letter_it_carries_in_one_transaction()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        var manifest = new LakeManifest(TestPostgres.DataSource(cs));
        var hour = LakeTestKit.BaseHour.ToUnixTimeMilliseconds();
        var commit = new LakeCommit();
        for (var p = 0; p < 4; p++)
        {
            for (var h = 0; h < 50; h++) commit.Files.Add(File(p, hour + h * 3_600_000L, h));
            commit.Offsets.Add(new OffsetAdvance(Topics.Listen, p, 500, -1));
            commit.Watermarks.Add(new WatermarkAdvance(Topics.Listen, p, hour + p));
            commit.DeadLetters.Add(new DeadLetter(Topics.Listen, p, 7, DateTime.UtcNow, "malformed JSON", [1, 2, 3], 3));
        }
        await manifest.CommitAsync("g", commit);

        Assert.Equal(200, await TestPostgres.ScalarAsync<long>(cs, "select count(*) from lake.files"));
        Assert.Equal(1, await TestPostgres.ScalarAsync<long>(cs, "select count(distinct committed_at) from lake.files"));
        Assert.Equal(2_000, await TestPostgres.ScalarAsync<long>(cs, "select sum(row_count)::bigint from lake.files"));
        // In the order given, so the newest file of an hour is the last one.
        Assert.Equal("raw/listen_events/f-3-49.parquet", await TestPostgres.ScalarAsync<string>(cs, "select path from lake.files order by file_id desc limit 1"));
        Assert.Equal(LakeTestKit.BaseHour.AddHours(49), (await manifest.FilesAsync(Topics.Listen, LakeTestKit.BaseHour.AddHours(49))).Select(f => f.Hour).Distinct().Single());
        Assert.Equal(new Dictionary<(string, int), long> { [(Topics.Listen, 0)] = 500, [(Topics.Listen, 1)] = 500, [(Topics.Listen, 2)] = 500, [(Topics.Listen, 3)] = 500 },
            await manifest.OffsetsAsync("g"));
        Assert.Equal(4, await TestPostgres.ScalarAsync<long>(cs, "select count(*) from lake.watermarks"));
        Assert.Equal(4, await TestPostgres.ScalarAsync<long>(cs, "select count(*) from serving.dead_letters where reason = 'malformed JSON' and payload = '\\x010203'::bytea"));
    }

    [Fact]
    public async Task A_commit_with_one_stale_offset_is_refused_whole()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        var manifest = new LakeManifest(TestPostgres.DataSource(cs));
        var first = new LakeCommit();
        first.Offsets.Add(new OffsetAdvance(Topics.Listen, 0, 100, -1));
        await manifest.CommitAsync("g", first);

        // Partition 1 is new; partition 0 moved on to 100 under another lander while this one still believes 40.
        var stale = new LakeCommit();
        stale.Files.Add(File(0, LakeTestKit.BaseHour.ToUnixTimeMilliseconds(), 1));
        stale.Offsets.Add(new OffsetAdvance(Topics.Listen, 1, 20, -1));
        stale.Offsets.Add(new OffsetAdvance(Topics.Listen, 0, 120, 40));
        stale.Watermarks.Add(new WatermarkAdvance(Topics.Listen, 0, LakeTestKit.BaseHour.ToUnixTimeMilliseconds()));
        var e = await Assert.ThrowsAsync<LakeFencedException>(() => manifest.CommitAsync("g", stale));
        Assert.Contains("listen_events[0]", e.Message);

        Assert.Equal(0, await TestPostgres.ScalarAsync<long>(cs, "select count(*) from lake.files"));
        Assert.Equal(0, await TestPostgres.ScalarAsync<long>(cs, "select count(*) from lake.watermarks"));
        Assert.Equal(new Dictionary<(string, int), long> { [(Topics.Listen, 0)] = 100 }, await manifest.OffsetsAsync("g"));

        // A second lander that found no offset for partition 0 cannot create one over the stored 100 either.
        var late = new LakeCommit();
        late.Offsets.Add(new OffsetAdvance(Topics.Listen, 0, 5, -1));
        await Assert.ThrowsAsync<LakeFencedException>(() => manifest.CommitAsync("g", late));
    }
}
