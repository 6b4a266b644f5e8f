namespace Rhythmic.SpeedLayer.Aggregation;

// Keys of the per-minute aggregates; Minute is the window start in epoch milliseconds UTC.

/// <summary>A row of listens_minute.</summary>
public readonly record struct ListenKey(long Minute, string Level, string Gender, string State);
/// <summary>A row of song_plays_minute.</summary>
public readonly record struct SongKey(long Minute, string Artist, string Song);
/// <summary>A row of artist_plays_minute.</summary>
public readonly record struct ArtistKey(long Minute, string Artist);
/// <summary>An actor seen in a minute: a userId, or a guest's sessionId; gender "" when unknown (guests).</summary>
public readonly record struct ActiveKey(long Minute, string Level, bool IsGuest, long ActorId, string Gender, string State);
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

/// <summary>
/// The hot path's key: a minute and two numbers (value ids from <see cref="Utf8Ids"/>, packed per aggregate), hashed
/// with a multiply-mix instead of the strings' randomized hashing.
/// </summary>
internal readonly struct IdKey(long minute, long a, long b) : IEquatable<IdKey>
{
    public readonly long Minute = minute;
    public readonly long A = a;
    public readonly long B = b;

    public bool Equals(IdKey other) => Minute == other.Minute && A == other.A && B == other.B;
    public override bool Equals(object? obj) => obj is IdKey k && Equals(k);

    public override int GetHashCode()
    {
        var h = ((ulong)Minute * 0x9E3779B97F4A7C15UL) ^ ((ulong)A * 0xC2B2AE3D27D4EB4FUL) ^ ((ulong)B * 0x165667B19E3779F9UL);
        h ^= h >> 29;
        return (int)h ^ (int)(h >> 32);
    }

    /// <summary>Two ids in one number.</summary>
    public static long Pack(int high, int low) => ((long)high << 32) | (uint)low;
}
