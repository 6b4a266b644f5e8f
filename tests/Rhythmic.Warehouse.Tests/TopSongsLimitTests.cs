using Rhythmic.Testing;

namespace Rhythmic.Warehouse.Tests;

/// <summary>
/// The day's top-N that dw.agg_song_day_top keeps is the loader's constant; dw.top_songs (a committed migration, 0309)
/// decides by the same number whether that table can answer. They must not drift apart.
/// </summary>
public sealed class TopSongsLimitTests
{
    [Fact]
    public async Task Top_songs_reads_the_day_table_for_exactly_as_many_songs_as_the_loader_keeps()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        var definition = await TestPostgres.ScalarAsync<string>(cs, "select pg_get_functiondef('dw.top_songs'::regproc)");
        var n = BatchAggregates.TopSongsPerDay;
        Assert.Contains($"n <= {n}", definition);
        Assert.Contains($"n > {n}", definition);
    }
}
