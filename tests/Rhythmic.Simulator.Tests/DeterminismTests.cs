using FsCheck;
using FsCheck.Fluent;
using Rhythmic.Core.Events;
using Rhythmic.Simulator.Sinks;

namespace Rhythmic.Simulator.Tests;

public sealed class DeterminismTests
{
    [Fact]
    public async Task The_same_seed_and_options_give_byte_identical_files_whatever_the_number_of_workers()
    {
        var root = Directory.CreateTempSubdirectory("rhythmic-sim-det-").FullName;
        try
        {
            var dirs = new List<string>();
            foreach (var workers in new[] { 1, 3, 3 })
            {
                var dir = Path.Combine(root, $"run{dirs.Count}");
                await using (var sink = new JsonLinesSink(dir))
                    await new Simulation(Sim.Options(users: 300, days: 3, workers: workers, growth: 20, attrition: 0.3)).RunAsync(sink, CancellationToken.None);
                dirs.Add(dir);
            }
            foreach (var topic in Topics.All)
            {
                var first = await File.ReadAllBytesAsync(Path.Combine(dirs[0], topic));
                Assert.NotEmpty(first);
                foreach (var other in dirs.Skip(1)) Assert.Equal(first, await File.ReadAllBytesAsync(Path.Combine(other, topic)));
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Another_seed_gives_other_events()
    {
        var a = new MemorySink();
        var b = new MemorySink();
        await new Simulation(Sim.Options(users: 50, days: 1, seed: 1)).RunAsync(a, CancellationToken.None);
        await new Simulation(Sim.Options(users: 50, days: 1, seed: 2)).RunAsync(b, CancellationToken.None);
        Assert.NotEqual(a.Pairs, b.Pairs);
    }

    [Fact]
    public void Output_does_not_depend_on_worker_count_for_any_seed_and_population()
    {
        Prop.ForAll(Gen.Choose(1, 60).ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), Gen.Choose(2, 5).ToArbitrary(), (users, seed, workers) =>
        {
            var one = Run(users, seed, 1);
            var many = Run(users, seed, workers);
            return one.SequenceEqual(many);
        }).QuickCheckThrowOnFailure();

        static List<(string, string)> Run(int users, int seed, int workers)
        {
            var sink = new MemorySink();
            new Simulation(Sim.Options(users: users, days: 0.5, seed: seed, workers: workers, growth: 50)).RunAsync(sink, CancellationToken.None).GetAwaiter().GetResult();
            return sink.Pairs.ToList();
        }
    }
}
