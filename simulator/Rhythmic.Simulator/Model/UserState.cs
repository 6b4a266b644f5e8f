namespace Rhythmic.Simulator.Model;

/// <summary>
/// One simulated user: fixed traits (drawn once) and the state of the current session. Kept small, since memory
/// grows with users, not with events.
/// </summary>
internal sealed class UserState
{
    public long UserId;
    public Rng Rng;
    public double AlphaMs, BetaMs;
    public long Registration;
    public int Place, FirstName, LastName, Agent;
    /// <summary>Offset of the user's local (solar) time from UTC, for the daily and weekly cycle.</summary>
    public long LocalOffsetMs;

    /// <summary>Time of the next event (UTC epoch ms); the heap orders users by it.</summary>
    public long NextTs;
    public long SessionId;
    public int SessionSeq;
    public int Item;
    public int State;
    public int PrevState = -1;
    public int Song = -1;
    public long SongEnd;
    /// <summary>An interaction page (Thumbs Up, Roll Advert...) pending as the next event, or -1.</summary>
    public int Interaction = -1;
    public bool Churned;

    public override string ToString() => $"user {UserId} session {SessionId} item {Item} at {NextTs}";
}

/// <summary>
/// A 4-ary min-heap of users ordered by (next event time, user id): a total order, so generation is deterministic.
/// Keys live in the heap's own array so sifting reads contiguous memory instead of chasing user objects.
/// </summary>
internal sealed class UserHeap
{
    private struct Entry
    {
        public long Ts;
        public long Id;
        public UserState User;
    }

    private Entry[] _items = new Entry[64];
    public int Count { get; private set; }

    public UserState Top => _items[0].User;

    public void Add(UserState u)
    {
        AddUnordered(u);
        SiftUp(Count - 1);
    }

    /// <summary>Adds without ordering; call <see cref="Heapify"/> before use.</summary>
    public void AddUnordered(UserState u)
    {
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        _items[Count++] = new Entry { Ts = u.NextTs, Id = u.UserId, User = u };
    }

    public void Heapify()
    {
        for (var i = (Count - 2) / 4; i >= 0; i--) SiftDown(i);
    }

    /// <summary>Restores order after the top user's next event time moved on.</summary>
    public void TopChanged()
    {
        _items[0].Ts = _items[0].User.NextTs;
        SiftDown(0);
    }

    public void RemoveTop()
    {
        _items[0] = _items[--Count];
        _items[Count] = default;
        if (Count > 0) SiftDown(0);
    }

    private static bool Less(in Entry a, in Entry b) => a.Ts < b.Ts || (a.Ts == b.Ts && a.Id < b.Id);

    private void SiftUp(int i)
    {
        var items = _items;
        var item = items[i];
        while (i > 0)
        {
            var parent = (i - 1) >> 2;
            if (!Less(item, items[parent])) break;
            items[i] = items[parent];
            i = parent;
        }
        items[i] = item;
    }

    private void SiftDown(int i)
    {
        var items = _items;
        var item = items[i];
        var n = Count;
        while (true)
        {
            var first = 4 * i + 1;
            if (first >= n) break;
            var best = first;
            var last = Math.Min(first + 4, n);
            for (var c = first + 1; c < last; c++)
                if (Less(items[c], items[best])) best = c;
            if (!Less(items[best], item)) break;
            items[i] = items[best];
            i = best;
        }
        items[i] = item;
    }
}
