namespace Rhythmic.Simulator;

/// <summary>What to simulate. The same options (seed included) always give byte-identical output.</summary>
public sealed record SimulationOptions
{
    /// <summary>Users at <see cref="From"/> (eventsim's --nusers).</summary>
    public int Users { get; init; } = 2000;
    /// <summary>First event time written (UTC).</summary>
    public DateTimeOffset From { get; init; } = DateTimeOffset.UtcNow.AddDays(-7);
    /// <summary>End of the simulated span (exclusive, UTC); null runs forever (continuous mode only).</summary>
    public DateTimeOffset? To { get; init; } = DateTimeOffset.UtcNow;
    /// <summary>Random seed; null uses the config's seed (eventsim's "seed"), else 42.</summary>
    public long? Seed { get; init; }
    /// <summary>Yearly growth of the user base through Poisson arrivals of new (guest) users: 0.01 = 1 %.</summary>
    public double GrowthRate { get; init; }
    /// <summary>Yearly share of users who leave without the Cancel page (checked at the end of each session).</summary>
    public double AttritionRate { get; init; }
    /// <summary>An eventsim JSON config file; null uses the built-in copy of eventsim's example config.</summary>
    public string? ConfigPath { get; init; }
    /// <summary>A directory with eventsim's data files; null uses the built-in catalog, names, places and user agents.</summary>
    public string? DataDir { get; init; }
    /// <summary>
    /// Adds Thumbs Up/Down, Add to Playlist and Add Friend after logged-in NextSongs and Roll Advert after free ones
    /// (Interana's pages), for pages the config does not define itself. They never change the config's own transitions.
    /// </summary>
    public bool InteractionPages { get; init; } = true;
    /// <summary>Generation threads (users are partitioned across them); the output does not depend on it. Default: all cores.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;
    /// <summary>
    /// Continuous mode: events are released as the clock passes their time (from <see cref="From"/>, which may be in
    /// the past to catch up first), <see cref="Speed"/> times faster than the wall clock.
    /// </summary>
    public bool Continuous { get; init; }
    /// <summary>Continuous mode: how many times faster than the wall clock simulated time passes.</summary>
    public double Speed { get; init; } = 1.0;
    /// <summary>Reports progress of history runs (simulated time reached, events written) now and then.</summary>
    public IProgress<SimulationProgress>? Progress { get; init; }
    /// <summary>The wall clock (tests replace it).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>Where a run is: simulated time reached and events written so far.</summary>
public readonly record struct SimulationProgress(DateTimeOffset Reached, long Events, int ActiveUsers);

/// <summary>What a run produced.</summary>
public sealed record SimulationSummary(long Events, long PageViews, long Listens, long AuthEvents, long StatusChanges, int UsersCreated, int UsersActiveAtEnd);
