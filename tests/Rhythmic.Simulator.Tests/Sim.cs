using Rhythmic.Simulator;

namespace Rhythmic.Simulator.Tests;

/// <summary>Small, fixed simulations for tests.</summary>
internal static class Sim
{
    /// <summary>A Monday, so weekly patterns line up.</summary>
    public static readonly DateTimeOffset Start = new(2024, 3, 4, 0, 0, 0, TimeSpan.Zero);

    public static SimulationOptions Options(int users = 200, double days = 1, long seed = 7, int workers = 2, double growth = 0, double attrition = 0)
        => new()
        {
            Users = users, From = Start, To = Start.AddDays(days), Seed = seed, Workers = workers,
            GrowthRate = growth, AttritionRate = attrition,
        };
}
