using Rhythmic.Core.Events;
using Rhythmic.Lake.Backfill;
using Rhythmic.Simulator;
using Rhythmic.Testing;

namespace Rhythmic.Lake.Tests.Lake;

public sealed class LakeSinkTests
{
    /// <summary>
    /// Every backfilled file, of every topic, read by Parquet.Net and by DuckDB value for value as our reader reads it:
    /// the simulator's full variety (booleans, optional user and song fields, UTF-8 names, dictionary-heavy text).
    /// </summary>
    private static async Task AssertThreeReadersAgreeAsync(Storage.LocalLakeStorage storage, string dir, SimulationSummary summary)
    {
        var rows = new Dictionary<string, long>();
        foreach (var topic in Topics.All)
        {
            var schema = EventTable.SchemaOf(topic);
            var paths = storage.List($"raw/{topic}").Where(p => p.EndsWith(".parquet", StringComparison.Ordinal)).Select(storage.FullPath).Order(StringComparer.Ordinal).ToList();
            var ours = new List<object?[]>();
            foreach (var path in paths)
            {
                var file = Parquet.SampleTables.ReadAll(path);
                await ParquetNetReader.AssertReadsAsync(path, schema, file);
                ours.AddRange(file);
            }
            rows[topic] = ours.Count;
            if (paths.Count == 0) continue;   // a quiet topic (no status changes in a short history): no file to read
            var (duck, _) = await DuckDb.QueryAsync(
                $"select {Parquet.DuckDbCompatibilityTests.Projection(schema)} from read_parquet('{dir}/raw/{topic}/*/*/*/*/*.parquet', filename = true, hive_partitioning = false) order by filename, file_row_number");
            var duckRows = duck.Select(r => schema.Columns.Select(c => Parquet.DuckDbCompatibilityTests.FromJson(r.GetProperty(c.Name), c.Type)).ToArray()).ToList();
            Parquet.SampleTables.AssertSame(ours, duckRows);
        }
        Assert.Equal(summary.Listens, rows[Topics.Listen]);
        Assert.Equal(summary.PageViews, rows[Topics.PageView]);
        Assert.Equal(summary.AuthEvents, rows[Topics.Auth]);
        Assert.Equal(summary.StatusChanges, rows[Topics.StatusChange]);
        Assert.True(summary.AuthEvents > 0, "no auth events: the boolean column went unchecked");
    }

    [Fact]
    public async Task A_backfill_writes_simulated_history_that_DuckDB_reads_as_a_hive_partitioned_lake()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        var dir = Directory.CreateTempSubdirectory("rhythmic-backfill-").FullName;
        try
        {
            var from = new DateTimeOffset(2024, 5, 6, 0, 0, 0, TimeSpan.Zero);
            var to = from.AddHours(30);
            var storage = new Storage.LocalLakeStorage(dir);
            var manifest = new LakeManifest(TestPostgres.DataSource(cs));
            var sink = new LakeSink(storage, manifest, new LakeSinkOptions { WatermarkAt = to, RowGroupRows = 1_000 });
            SimulationSummary summary;
            await using (sink)
                summary = await new Simulation(new SimulationOptions { Users = 60, From = from, To = to, Seed = 3, Workers = 1 }).RunAsync(sink, CancellationToken.None);

            Assert.True(summary.Events > 500, $"only {summary.Events} events");
            Assert.Equal(summary.Events, sink.Events);
            Assert.Equal(summary.Events, await TestPostgres.ScalarAsync<long>(cs, "select sum(row_count)::bigint from lake.files where source = 'backfill' and kafka_partition = -1"));
            Assert.Equal(to, await manifest.CompleteUntilAsync(Topics.Listen));

            var (rows, _) = await DuckDb.QueryAsync(
                $"select count(*)::bigint as n, count(distinct year)::int as years, min(hour)::int as h from read_parquet('{dir}/raw/*/*/*/*/*/*.parquet', hive_partitioning = true, union_by_name = true)");
            Assert.Equal(summary.Events, long.Parse(rows[0].GetProperty("n").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
            var (listens, _) = await DuckDb.QueryAsync(
                $"select count(*)::int as n, count(*) filter (where hour(ts) <> hour)::int as misplaced from read_parquet('{dir}/raw/listen_events/*/*/*/*/*.parquet', hive_partitioning = true)");
            Assert.Equal(summary.Listens, listens[0].GetProperty("n").GetInt32());
            Assert.Equal(0, listens[0].GetProperty("misplaced").GetInt32());

            await AssertThreeReadersAgreeAsync(storage, dir, summary);

            var hour = from.AddHours(12);
            var reader = new LakeReader(storage);
            var (columns, pool) = (new Rhythmic.Parquet.ColumnBuffer?[2], new Rhythmic.Parquet.ColumnBuffer?[2]);
            long fromReader = 0;
            foreach (var file in await manifest.FilesAsync(Topics.Listen, hour))
                foreach (var count in reader.ReadRowGroups(file, ["ts", "song"], columns, pool))
                {
                    Assert.Equal("backfill", file.Source);
                    for (var r = 0; r < count; r++) Assert.Equal(hour.ToUnixTimeMilliseconds(), LakeLayout.HourOf(columns[0]!.GetInt64(r)));
                    fromReader += count;
                }
            Assert.Equal(await TestPostgres.ScalarAsync<long>(cs, $"select coalesce(sum(row_count), 0)::bigint from lake.files where topic = 'listen_events' and hour = '{hour:O}'"), fromReader);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
