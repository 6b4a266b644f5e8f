using System.Globalization;
using Rhythmic.Core.Events;

namespace Rhythmic.SpeedLayer.Tests;

/// <summary>The serving tables' rows computed straight from the produced events, in the harness's "a|b|c" form.</summary>
internal static class Expected
{
    private static string Minute(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString(CultureInfo.InvariantCulture);

    private static List<string> Rows<TKey>(IEnumerable<TestEvent> events, Func<TestEvent, TKey> key, Func<TKey, string> show, Func<IGrouping<TKey, TestEvent>, long>? value = null)
        => events.GroupBy(key).Select(g => show(g.Key) + "|" + (value ?? (x => x.LongCount()))(g)).Order(StringComparer.Ordinal).ToList();

    public static List<string> Listens(IEnumerable<TestEvent> events)
        => Rows(events.Where(e => e.Topic == Topics.Listen), e => (e.MinuteMs, e.Level, e.UserId is null ? "" : e.Gender ?? "F", e.State),
            k => $"{Minute(k.MinuteMs)}|{k.Level}|{k.Item3}|{k.State}");

    public static List<string> SongPlays(IEnumerable<TestEvent> events)
        => Rows(events.Where(e => e.Topic == Topics.Listen), e => (e.MinuteMs, e.Artist, e.Song), k => $"{Minute(k.MinuteMs)}|{k.Artist}|{k.Song}");

    public static List<string> ArtistPlays(IEnumerable<TestEvent> events)
        => Rows(events.Where(e => e.Topic == Topics.Listen), e => (e.MinuteMs, e.Artist), k => $"{Minute(k.MinuteMs)}|{k.Artist}");

    public static List<string> ActiveUsers(IEnumerable<TestEvent> events)
        => Rows(events, e => (e.MinuteMs, e.Level), k => $"{Minute(k.MinuteMs)}|{k.Level}",
            g => g.Select(e => e.UserId is { } u ? $"u{u}" : $"s{e.SessionId}").Distinct().LongCount());

    public static List<string> PageViews(IEnumerable<TestEvent> events)
        => Rows(events.Where(e => e.Topic == Topics.PageView), e => (e.MinuteMs, e.Page, e.Level, e.Status), k => $"{Minute(k.MinuteMs)}|{k.Page}|{k.Level}|{k.Status}");

    public static List<string> Logins(IEnumerable<TestEvent> events)
        => Rows(events.Where(e => e.Topic == Topics.Auth), e => (e.MinuteMs, e.Success), k => $"{Minute(k.MinuteMs)}|{k.Success}");

    public static List<string> LevelChanges(IEnumerable<TestEvent> events)
        => Rows(events.Where(e => e.Topic == Topics.StatusChange), e => (e.MinuteMs, e.Level), k => $"{Minute(k.MinuteMs)}|{k.Level}|{(k.Level == "free" ? "paid" : "free")}");

    public static List<string> SessionsStarted(IEnumerable<TestEvent> events)
        => Rows(events.Where(e => e.Topic == Topics.PageView && e.ItemInSession == 0), e => (e.MinuteMs, e.Level), k => $"{Minute(k.MinuteMs)}|{k.Level}");

    /// <summary>Asserts every serving table equals what <paramref name="events"/> give.</summary>
    public static async Task AssertServingTablesAsync(SpeedHarness h, IReadOnlyCollection<TestEvent> events)
    {
        Assert.Equal(Listens(events), await h.RowsAsync("select minute, level, gender, state, listens from serving.listens_minute"));
        Assert.Equal(SongPlays(events), await h.RowsAsync("select minute, artist, song, plays from serving.song_plays_minute"));
        Assert.Equal(ArtistPlays(events), await h.RowsAsync("select minute, artist, plays from serving.artist_plays_minute"));
        Assert.Equal(ActiveUsers(events), await h.RowsAsync("select minute, level, users from serving.active_users_minute"));
        Assert.Equal(PageViews(events), await h.RowsAsync("select minute, page, level, status, views from serving.page_views_minute"));
        Assert.Equal(Logins(events), await h.RowsAsync("select minute, success, attempts from serving.auth_minute"));
        Assert.Equal(LevelChanges(events), await h.RowsAsync("select minute, from_level, to_level, changes from serving.level_changes_minute"));
        Assert.Equal(SessionsStarted(events), await h.RowsAsync("select minute, level, sessions from serving.sessions_started_minute"));
    }
}
