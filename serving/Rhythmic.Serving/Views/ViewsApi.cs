using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using Rhythmic.Core;
using Rhythmic.Core.Configuration;

namespace Rhythmic.Serving.Views;

/// <summary>
/// The read API of the lambda architecture: each answer merges the batch view (hours the warehouse has loaded) with
/// the speed view (every other hour), hour by hour, so nothing is counted twice and nothing is missing.
/// </summary>
internal static class ViewsApi
{
    private static readonly string PlaysPerMinute = Sql("plays_per_minute");
    private static readonly string TopSongs = Sql("top_songs");
    private static readonly string Overview = Sql("overview");
    private static readonly string RecentGaps = Sql("recent_gaps");

    public static void MapViews(this IEndpointRouteBuilder app, RhythmicSettings settings)
    {
        // Reads only: as the read-only role, so a bug (or an injection) here cannot change a row.
        var cs = settings.Postgres.EffectiveReaderConnectionString;
        var api = app.MapGroup("/api");

        api.MapGet("/plays", async (string? from, string? to, CancellationToken ct) =>
        {
            if (!TryWindow(from, to, TimeSpan.FromHours(3), out var start, out var end, out var problem)) return problem;
            var rows = await QueryAsync(cs, PlaysPerMinute, r => new PlaysPoint(r.GetFieldValue<DateTime>(0), r.GetInt64(1), r.GetString(2)), ct, start, end);
            return Results.Json(rows);
        });

        api.MapGet("/top-songs", async (string? from, string? to, int? n, CancellationToken ct) =>
        {
            if (!TryWindow(from, to, TimeSpan.FromHours(1), out var start, out var end, out var problem)) return problem;
            var limit = Math.Clamp(n ?? 10, 1, 100);
            var rows = await QueryAsync(cs, TopSongs, r => new SongPlays(r.GetString(0), r.GetString(1), r.GetInt64(2)), ct, start, end, limit);
            return Results.Json(rows);
        });

        api.MapGet("/overview", async (int? minutes, CancellationToken ct) =>
        {
            var since = DateTime.UtcNow.AddMinutes(-Math.Clamp(minutes ?? 60, 1, 7 * 24 * 60));
            var gaps = await QueryAsync(cs, RecentGaps, r => new ConsumerGap(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt64(3), r.GetInt64(4),
                r.GetInt64(5), r.GetString(6), r.GetFieldValue<DateTime>(7)), ct, 5);
            var rows = await QueryAsync(cs, Overview, r => new OverviewFigures(
                r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4),
                r.IsDBNull(5) ? null : r.GetFieldValue<DateTime>(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateTime>(6), r.GetInt64(7),
                r.GetInt64(8), r.GetInt64(9), r.GetInt64(10), r.GetInt64(11), r.GetInt64(12), r.GetInt64(13), gaps), ct, since);
            return Results.Json(rows.Single());
        });
    }

    /// <summary>Parses an ISO 8601 UTC window; defaults to the last <paramref name="span"/>.</summary>
    private static bool TryWindow(string? from, string? to, TimeSpan span, out DateTime start, out DateTime end, out IResult problem)
    {
        start = default;
        end = DateTime.UtcNow;
        problem = Results.Ok();
        if (to is not null && !TryUtc(to, out end)) { problem = Results.BadRequest(new { error = $"'to' is not an ISO 8601 time: {to}" }); return false; }
        if (from is null) start = end - span;
        else if (!TryUtc(from, out start)) { problem = Results.BadRequest(new { error = $"'from' is not an ISO 8601 time: {from}" }); return false; }
        if (end <= start) { problem = Results.BadRequest(new { error = "'from' must be before 'to'" }); return false; }
        if (end - start > TimeSpan.FromDays(400)) { problem = Results.BadRequest(new { error = "the window may span at most 400 days" }); return false; }
        return true;
    }

    private static bool TryUtc(string text, out DateTime value)
    {
        var ok = DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var parsed);
        value = parsed.UtcDateTime;
        return ok;
    }

    private static async Task<List<T>> QueryAsync<T>(string cs, string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct, params object[] args)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct)) rows.Add(map(reader));
        return rows;
    }

    private static string Sql(string name) => SqlResources.Read(typeof(ViewsApi).Assembly, $"serving/{name}.sql");
}

internal sealed record PlaysPoint(DateTime Minute, long Plays, string Source);
internal sealed record SongPlays(string Artist, string Song, long Plays);
internal sealed record OverviewFigures(long Plays, long ActiveUsers, long PageViews, long Logins, long FailedLogins,
    DateTime? NewestMinute, DateTime? LastLoadedHour, long LoadedHours, long LakeFiles, long LakeEvents, long DeadLetters, long LateEvents,
    long Gaps, long MissingMessages, IReadOnlyList<ConsumerGap> RecentGaps);
/// <summary>A range of Kafka offsets a consumer group never read (ops.consumer_gaps).</summary>
internal sealed record ConsumerGap(string ConsumerGroup, string Topic, int Partition, long FirstMissingOffset, long LastMissingOffset,
    long MissingCount, string How, DateTime DetectedAt);
