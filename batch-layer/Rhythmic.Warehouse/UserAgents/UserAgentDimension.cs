using Npgsql;

namespace Rhythmic.Warehouse.UserAgents;

/// <summary>
/// A load's part of dw.dim_user_agent: stages the distinct user agents the dimension pass numbered, each with its
/// families (<see cref="UserAgentParser"/>) and its key (Sql/stage/user_agents.sql), for Sql/load/035_dim_user_agent.sql
/// to add the new ones; and parses the rows that migration 0313 moved out of the facts of a database loaded before it,
/// which SQL could not parse (Sql/stage/user_agents_unparsed.sql, user_agents_parsed.sql).
/// </summary>
internal static class UserAgentDimension
{
    /// <summary>Stages <paramref name="agents"/>, numbered from 1 in their order, and completes the unparsed rows.</summary>
    public static async Task StageAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<string> agents, CancellationToken ct)
    {
        await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("stage/user_agents.sql"), ct,
            [Enumerable.Range(1, agents.Count).ToArray(), agents.ToArray(), .. Families(agents)]);
        var unparsed = await WarehouseSql.ListAsync(conn, tx, WarehouseSql.Read("stage/user_agents_unparsed.sql"), ct);
        if (unparsed.Count > 0)
            await WarehouseSql.ExecAsync(conn, tx, WarehouseSql.Read("stage/user_agents_parsed.sql"), ct, [unparsed.ToArray(), .. Families(unparsed)]);
    }

    /// <summary>The browser, os and device of each of <paramref name="agents"/>, as three arrays (SQL parameters).</summary>
    private static object[] Families(IReadOnlyList<string> agents)
    {
        var parsed = agents.Select(UserAgentParser.Parse).ToList();
        return [parsed.Select(p => p.Browser).ToArray(), parsed.Select(p => p.Os).ToArray(), parsed.Select(p => p.Device).ToArray()];
    }
}
