namespace Rhythmic.Simulator.Model;

/// <summary>One generation thread's share of the users (user id mod worker count) and their heap.</summary>
internal sealed class Worker(Engine engine, int index, int workerCount)
{
    private readonly UserHeap _heap = new();
    public Counts Counts;
    public int ActiveUsers => _heap.Count;

    /// <summary>Creates this worker's initial users (ids 1..<paramref name="users"/> that fall to it).</summary>
    public void CreateInitialUsers(int users)
    {
        for (long id = index + 1; id <= users; id += workerCount)
        {
            var u = engine.InitialUser(id);
            if (!u.Churned) _heap.AddUnordered(u);
        }
        _heap.Heapify();
    }

    public void Add(UserState u)
    {
        if (!u.Churned) _heap.Add(u);
    }

    /// <summary>Runs every user step before <paramref name="endMs"/>, writing those at or after the start into <paramref name="batch"/>.</summary>
    public void Generate(long endMs, EventBatch batch)
    {
        batch.Clear();
        var from = engine.FromMs;
        while (_heap.Count > 0)
        {
            var u = _heap.Top;
            if (u.NextTs >= endMs) break;
            if (u.NextTs >= from) engine.Emit(u, batch, ref Counts);
            engine.Advance(u);
            if (u.Churned) _heap.RemoveTop();
            else _heap.TopChanged();
        }
    }
}
