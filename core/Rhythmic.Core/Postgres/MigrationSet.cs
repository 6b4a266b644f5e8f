using System.Reflection;

namespace Rhythmic.Core;

/// <summary>
/// The migrations of one layer's schema: the <c>Migrations/NNNN_name.sql</c> files its assembly embeds (as
/// "migrations/NNNN_name.sql"), whose versions must lie in the layer's range. Every entry point applies the same list
/// of sets (Rhythmic.Platform's <c>PlatformMigrations.All</c>) through one <see cref="Migrator"/>.
/// </summary>
public sealed class MigrationSet
{
    /// <summary>The logical-name prefix under which an assembly embeds its migrations.</summary>
    public const string ResourcePrefix = "migrations/";

    private MigrationSet(Assembly assembly, int first, int last)
    {
        Assembly = assembly;
        First = first;
        Last = last;
        Migrations = SqlResources.List(assembly, ResourcePrefix).Select(name =>
            {
                var file = name[ResourcePrefix.Length..];
                var sep = file.IndexOf('_');
                if (sep <= 0 || !int.TryParse(file[..sep], out var version))
                    throw new InvalidOperationException($"Migration '{file}' of {Owner} must be named NNNN_description.sql.");
                if (version < first || version > last)
                    throw new InvalidOperationException($"Migration '{file}' of {Owner} is outside its range {first:D4}-{last:D4}.");
                return new Migration(version, file, SqlResources.Read(assembly, name));
            })
            .OrderBy(m => m.Version).ToList();
    }

    /// <summary>The migrations <paramref name="assembly"/> embeds, all numbered within [<paramref name="first"/>, <paramref name="last"/>].</summary>
    public static MigrationSet Of(Assembly assembly, int first, int last) => new(assembly, first, last);

    /// <summary>The assembly that embeds them.</summary>
    public Assembly Assembly { get; }

    /// <summary>The assembly's name: the layer that owns the schema.</summary>
    public string Owner => Assembly.GetName().Name!;

    /// <summary>The first version of the layer's range.</summary>
    public int First { get; }

    /// <summary>The last version of the layer's range.</summary>
    public int Last { get; }

    /// <summary>The set's migrations, by version.</summary>
    public IReadOnlyList<Migration> Migrations { get; }
}

/// <summary>Core's own migrations (0001-0099): the schemas and what every consumer shares (ops.consumer_gaps).</summary>
public static class CoreMigrations
{
    /// <summary>Rhythmic.Core's migration set.</summary>
    public static MigrationSet Set { get; } = MigrationSet.Of(typeof(CoreMigrations).Assembly, 1, 99);
}
