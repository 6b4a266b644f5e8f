using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Rhythmic.Core.Configuration;

namespace Rhythmic.Core;

/// <summary>
/// The one <see cref="NpgsqlDataSource"/> of a process on the platform's database, as its owner role
/// (<see cref="PostgresSettings.EffectiveConnectionString"/>): every component opens its connections from it, so they
/// share one pool. The serving API's reads have a second one, as the read-only role (a different user).
/// </summary>
public static class PlatformDataSource
{
    /// <summary>The owner's data source of <paramref name="settings"/> (the embedded cluster's password must exist: start it first).</summary>
    public static NpgsqlDataSource Create(RhythmicSettings settings) => NpgsqlDataSource.Create(settings.Postgres.EffectiveConnectionString);

    /// <summary>
    /// Registers the process's data source in a host: <paramref name="existing"/> when the caller made it already (it
    /// keeps it and disposes it), else one made from the host's <see cref="RhythmicSettings"/> (the host disposes it).
    /// A data source registered before wins.
    /// </summary>
    public static IServiceCollection AddPlatformDataSource(this IServiceCollection services, NpgsqlDataSource? existing = null)
    {
        if (existing is not null) services.TryAddSingleton(existing);
        else services.TryAddSingleton(sp => Create(sp.GetRequiredService<RhythmicSettings>()));
        return services;
    }
}
