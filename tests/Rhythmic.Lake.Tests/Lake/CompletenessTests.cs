using Rhythmic.Core.Events;
using Rhythmic.Testing;

namespace Rhythmic.Lake.Tests.Lake;

/// <summary>When an hour of a topic is complete: live partitions by their smallest watermark, a backfill by its own.</summary>
public sealed class CompletenessTests
{
    private static async Task<DateTimeOffset?> CompleteUntilAsync(params (int Partition, string Watermark)[] rows)
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        foreach (var (partition, watermark) in rows)
            await TestPostgres.ExecAsync(cs, $"insert into lake.watermarks(topic, kafka_partition, watermark) values ('{Topics.Listen}', {partition}, '{watermark}+00')");
        return await new LakeManifest(TestPostgres.DataSource(cs)).CompleteUntilAsync(Topics.Listen);
    }

    private static DateTimeOffset At(int hour) => new(2026, 3, 2, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Live_partitions_are_complete_up_to_the_slowest_one()
        => Assert.Equal(At(21), await CompleteUntilAsync((0, "2026-03-02 22:10"), (1, "2026-03-02 21:30")));

    [Fact]
    public async Task A_backfill_alone_is_complete_up_to_its_end()
        => Assert.Equal(At(20), await CompleteUntilAsync((-1, "2026-03-02 20:25")));

    [Fact]
    public async Task A_backfill_does_not_hold_back_the_hours_landed_after_it()
        => Assert.Equal(At(21), await CompleteUntilAsync((-1, "2026-03-02 20:25"), (0, "2026-03-02 22:10"), (1, "2026-03-02 21:30")));

    [Fact]
    public async Task Landers_behind_a_backfill_do_not_undo_its_history()
        => Assert.Equal(At(20), await CompleteUntilAsync((-1, "2026-03-02 20:25"), (0, "2026-03-02 19:10")));

    [Fact]
    public async Task No_watermark_means_nothing_is_complete()
        => Assert.Null(await CompleteUntilAsync());
}
