namespace Rhythmic.Simulator.Data;

/// <summary>Walker/Vose alias table: draws an index with probability proportional to its weight in O(1).</summary>
internal sealed class AliasTable
{
    private readonly double[] _prob;
    private readonly int[] _alias;

    public int Count => _prob.Length;

    public AliasTable(IReadOnlyList<double> weights)
    {
        var n = weights.Count;
        if (n == 0) throw new ArgumentException("No weights to draw from.", nameof(weights));
        var total = 0.0;
        foreach (var w in weights)
        {
            if (!(w >= 0) || double.IsInfinity(w)) throw new ArgumentException($"Weight {w} is not a finite non-negative number.", nameof(weights));
            total += w;
        }
        if (total <= 0) throw new ArgumentException("Weights sum to zero.", nameof(weights));
        _prob = new double[n];
        _alias = new int[n];
        var scaled = new double[n];
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (var i = n - 1; i >= 0; i--)
        {
            scaled[i] = weights[i] * n / total;
            (scaled[i] < 1.0 ? small : large).Push(i);
        }
        while (small.Count > 0 && large.Count > 0)
        {
            int s = small.Pop(), l = large.Pop();
            _prob[s] = scaled[s];
            _alias[s] = l;
            scaled[l] = scaled[l] + scaled[s] - 1.0;
            (scaled[l] < 1.0 ? small : large).Push(l);
        }
        while (large.Count > 0) { var l = large.Pop(); _prob[l] = 1.0; _alias[l] = l; }
        while (small.Count > 0) { var s = small.Pop(); _prob[s] = 1.0; _alias[s] = s; }
    }

    public int Next(ref Model.Rng rng)
    {
        var u = rng.NextDouble() * _prob.Length;
        var i = (int)u;
        return u - i < _prob[i] ? i : _alias[i];
    }
}
