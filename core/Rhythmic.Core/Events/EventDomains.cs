namespace Rhythmic.Core.Events;

/// <summary>
/// The values each event field may take (design.md §2 and §3, and what the simulator emits): the one table both of
/// <see cref="EventParser"/>'s paths check against, so the speed layer and the lake reject the same messages.
/// </summary>
public static class EventDomains
{
    /// <summary>Subscription levels.</summary>
    public static IReadOnlyList<string> Levels { get; } = ["free", "paid"];

    /// <summary>Genders of the user fields.</summary>
    public static IReadOnlyList<string> Genders { get; } = ["M", "F"];

    /// <summary>Authentication states.</summary>
    public static IReadOnlyList<string> Auths { get; } = ["Logged In", "Logged Out", "Guest", "Cancelled"];

    /// <summary>The authentication states whose events carry the user fields (design.md §2); the others carry none.</summary>
    public static IReadOnlyList<string> UserAuths { get; } = ["Logged In", "Cancelled"];

    /// <summary>HTTP methods of page views.</summary>
    public static IReadOnlyList<string> Methods { get; } = ["GET", "PUT"];

    /// <summary>HTTP statuses of page views.</summary>
    public static IReadOnlyList<int> Statuses => StatusTable;

    private static readonly int[] StatusTable = [200, 307, 404];

    /// <summary>The page that plays a song: its page views carry artist, song and duration, and no other page's do.</summary>
    public const string NextSong = "NextSong";

    internal static readonly byte[] NextSongUtf8 = System.Text.Encoding.UTF8.GetBytes(NextSong);

    /// <summary>
    /// Every page: those of eventsim's example config (the simulator's built-in one) and the ones the simulator adds
    /// after a NextSong (Interana's configs: Thumbs Up/Down, Add to Playlist, Add Friend, Roll Advert).
    /// </summary>
    public static IReadOnlyList<string> Pages { get; } =
    [
        "Home", "About", "Help", "Settings", "Save Settings", "Error", NextSong, "Login", "Logout", "Register", "Submit Registration",
        "Upgrade", "Submit Upgrade", "Downgrade", "Submit Downgrade", "Cancel", "Cancellation Confirmation",
        "Thumbs Up", "Thumbs Down", "Add to Playlist", "Add Friend", "Roll Advert",
    ];

    /// <summary>The longest song accepted, in seconds (one day: the simulator's catalogs stay under an hour).</summary>
    public const double MaxDurationSeconds = 86_400;

    /// <summary>Latitudes lie in [-90, 90] (world bounds: eventsim's GeoNames file reaches Guam and the Aleutians).</summary>
    public const double MaxLatitude = 90;

    /// <summary>Longitudes lie in [-180, 180].</summary>
    public const double MaxLongitude = 180;

    internal static readonly Utf8Set LevelSet = new(Levels), GenderSet = new(Genders), AuthSet = new(Auths),
        UserAuthSet = new(UserAuths), MethodSet = new(Methods), PageSet = new(Pages);

    /// <summary>Whether <paramref name="status"/> is one of <see cref="Statuses"/>.</summary>
    internal static bool IsStatus(long status)
    {
        foreach (var s in StatusTable)
            if (s == status) return true;
        return false;
    }

    /// <summary><see cref="Statuses"/>, comma-separated, for reasons.</summary>
    internal static readonly string StatusesListed = string.Join(", ", StatusTable);

    /// <summary>Whether <paramref name="utf8"/> is a state code: two ASCII upper-case letters.</summary>
    internal static bool IsStateCode(ReadOnlySpan<byte> utf8) => utf8.Length == 2 && (uint)(utf8[0] - 'A') <= 25 && (uint)(utf8[1] - 'A') <= 25;

    /// <summary>
    /// A set of short strings matched by their UTF-8 bytes without allocating (the fast path's slices), or as strings
    /// (the general path's values, which decode those same bytes strictly). The bytes are found in a table indexed by a
    /// hash of their length, first and last byte, sized so no two values share a slot: one comparison decides.
    /// </summary>
    internal sealed class Utf8Set
    {
        private readonly byte[]?[] _slots;
        private readonly int[] _indexes;   // per slot, the value's position in the list
        private readonly int _mask;
        private readonly HashSet<string> _strings;

        public Utf8Set(IEnumerable<string> values)
        {
            var list = values.ToList();
            _strings = new HashSet<string>(list, StringComparer.Ordinal);
            var bytes = list.Select(System.Text.Encoding.UTF8.GetBytes).ToList();
            if (bytes.Any(b => b.Length == 0)) throw new ArgumentException("A domain holds no empty string.", nameof(values));
            for (var size = 16; ; size *= 2)
            {
                if (size > 1 << 16) throw new InvalidOperationException($"No collision-free table for {string.Join(", ", list)}.");
                var slots = new byte[]?[size];
                var indexes = new int[size];
                var free = true;
                for (var i = 0; i < bytes.Count; i++)
                {
                    var at = Hash(bytes[i]) & (size - 1);
                    free &= slots[at] is null;
                    (slots[at], indexes[at]) = (bytes[i], i);
                }
                if (!free) continue;
                (_slots, _indexes, _mask) = (slots, indexes, size - 1);
                break;
            }
            Listed = string.Join(", ", list);
        }

        /// <summary>The values, comma-separated, for reasons.</summary>
        public string Listed { get; }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public bool Contains(ReadOnlySpan<byte> utf8)
        {
            if (utf8.IsEmpty) return false;
            var candidate = _slots[Hash(utf8) & _mask];
            return candidate is not null && utf8.SequenceEqual(candidate);
        }

        public bool Contains(string? value) => value is not null && _strings.Contains(value);

        /// <summary>The position of <paramref name="utf8"/> among the values the set was made of; -1 if it is not one.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public int IndexOf(ReadOnlySpan<byte> utf8)
        {
            if (utf8.IsEmpty) return -1;
            var at = Hash(utf8) & _mask;
            var candidate = _slots[at];
            return candidate is not null && utf8.SequenceEqual(candidate) ? _indexes[at] : -1;
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static int Hash(ReadOnlySpan<byte> v) => (int)((((uint)v.Length * 0x9E3779B1u) ^ (v[0] * 0x85EBCA77u) ^ (v[^1] * 0xC2B2AE3Du)) >> 7);
    }
}
