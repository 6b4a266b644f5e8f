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

/// <summary>A binary min-heap of users ordered by (next event time, user id): a total order, so generation is deterministic.</summary>
internal sealed class UserHeap
{
    private UserState[] _items = new UserState[64];
    public int Count { get; private set; }

    public UserState Top => _items[0];

    public void Add(UserState u)
    {
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        _items[Count] = u;
        SiftUp(Count++);
    }

    /// <summary>Adds without ordering; call <see cref="Heapify"/> before use.</summary>
    public void AddUnordered(UserState u)
    {
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        _items[Count++] = u;
    }

    public void Heapify()
    {
        for (var i = Count / 2 - 1; i >= 0; i--) SiftDown(i);
    }

    /// <summary>Restores order after the top's key grew.</summary>
    public void TopChanged() => SiftDown(0);

    public void RemoveTop()
    {
        _items[0] = _items[--Count];
        _items[Count] = null!;
        if (Count > 0) SiftDown(0);
    }

    private static bool Less(UserState a, UserState b) => a.NextTs < b.NextTs || (a.NextTs == b.NextTs && a.UserId < b.UserId);

    private void SiftUp(int i)
    {
        var item = _items[i];
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Less(item, _items[parent])) break;
            _items[i] = _items[parent];
            i = parent;
        }
        _items[i] = item;
    }

    private void SiftDown(int i)
    {
        var item = _items[i];
        var n = Count;
        while (true)
        {
            var child = 2 * i + 1;
            if (child >= n) break;
            if (child + 1 < n && Less(_items[child + 1], _items[child])) child++;
            if (!Less(_items[child], item)) break;
            _items[i] = _items[child];
            i = child;
        }
        _items[i] = item;
    }
}
