namespace Rhythmic.SpeedLayer.Aggregation;

// Keys of the per-minute aggregates; Minute is the window start in epoch milliseconds UTC.

/// <summary>A row of listens_minute.</summary>
public readonly record struct ListenKey(long Minute, string Level, string Gender, string State);
/// <summary>A row of song_plays_minute.</summary>
public readonly record struct SongKey(long Minute, string Artist, string Song);
/// <summary>A row of artist_plays_minute.</summary>
public readonly record struct ArtistKey(long Minute, string Artist);
/// <summary>An actor seen in a minute: a userId, or a guest's sessionId.</summary>
public readonly record struct ActiveKey(long Minute, string Level, bool IsGuest, long ActorId);
/// <summary>A row of page_views_minute.</summary>
public readonly record struct PageViewKey(long Minute, string Page, string Level, int Status);
/// <summary>A row of auth_minute.</summary>
public readonly record struct AuthKey(long Minute, bool Success);
/// <summary>A row of level_changes_minute.</summary>
public readonly record struct LevelChangeKey(long Minute, string FromLevel, string ToLevel);
/// <summary>A row of sessions_started_minute.</summary>
public readonly record struct SessionKey(long Minute, string Level);
/// <summary>A row of late_events.</summary>
public readonly record struct LateKey(string Topic, long Minute);
