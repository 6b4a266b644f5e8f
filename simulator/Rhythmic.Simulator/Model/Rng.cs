namespace Rhythmic.Simulator.Model;

/// <summary>
/// xoshiro256** seeded by SplitMix64: small state (one per user, so a user's events do not depend on which
/// worker runs it or on other users), fast, and statistically good enough for synthetic data.
/// </summary>
internal struct Rng
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator for stream <paramref name="stream"/> of the run seeded with <paramref name="seed"/>.</summary>
    public Rng(long seed, long stream)
    {
        var x = (ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)stream * 0xD1B54A32D192ED03UL ^ 0x5851F42D4C957F2DUL;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextULong()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in (0, 1], safe for logarithms.</summary>
    public double NextDoubleNonZero() => ((NextULong() >> 11) + 1) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n) => (int)((NextULong() >> 32) * (ulong)n >> 32);

    /// <summary>Exponential with mean <paramref name="mean"/>.</summary>
    public double Exponential(double mean) => -mean * Math.Log(NextDoubleNonZero());

    /// <summary>Standard normal (Box-Muller).</summary>
    public double Gaussian() => Math.Sqrt(-2.0 * Math.Log(NextDoubleNonZero())) * Math.Cos(2.0 * Math.PI * NextDouble());
}
