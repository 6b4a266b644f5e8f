using Rhythmic.Testing;

namespace Rhythmic.SpeedLayer.Tests;

public sealed class ServingSchemaTests
{
    [Fact]
    public async Task Song_key_is_a_stable_64_bit_key_of_artist_and_song()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        await TestPostgres.ExecAsync(cs, "insert into serving.song_plays_minute(minute, artist, song, plays) values (now(), 'a', 'b', 1), (now(), 'a', 'c', 1)");
        Assert.Equal(2, await TestPostgres.ScalarAsync<int>(cs, "select count(distinct song_key) from serving.song_plays_minute"));
    }

    [Fact]
    public async Task A_dead_letter_is_stored_once_per_group_and_offset()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        const string insert = """insert into serving.dead_letters(consumer_group, topic, partition, "offset", reason, payload, payload_bytes) values ('g', 't', 0, 5, 'r', '\x00'::bytea, 1) on conflict do nothing""";
        await TestPostgres.ExecAsync(cs, insert);
        await TestPostgres.ExecAsync(cs, insert);
        Assert.Equal(1, await TestPostgres.ScalarAsync<int>(cs, "select count(*) from serving.dead_letters"));
    }
}
