using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Rhythmic.Core.Observability;

/// <summary>
/// The process's metrics, rendered in Prometheus text format on the serving host's <c>/metrics</c>.
/// Each layer registers its counters and gauges here (lag, events per second, flush latency, dead letters...).
/// </summary>
public sealed class MetricsRegistry
{
    /// <summary>The registry of this process.</summary>
    public static MetricsRegistry Default { get; } = new();

    private readonly ConcurrentDictionary<string, Family> _families = new();

    /// <summary>A monotonically increasing count.</summary>
    public Counter Counter(string name, string help, params (string Key, string Value)[] labels)
        => (Counter)Get(name, help, "counter").Series.GetOrAdd(LabelText(labels), _ => new Counter());

    /// <summary>A value that goes up and down.</summary>
    public Gauge Gauge(string name, string help, params (string Key, string Value)[] labels)
        => (Gauge)Get(name, help, "gauge").Series.GetOrAdd(LabelText(labels), _ => new Gauge());

    /// <summary>Renders every series in Prometheus text exposition format.</summary>
    public string Render()
    {
        var sb = new StringBuilder();
        foreach (var (name, family) in _families.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            sb.Append("# HELP ").Append(name).Append(' ').Append(family.Help).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(' ').Append(family.Type).Append('\n');
            foreach (var (labels, series) in family.Series.OrderBy(s => s.Key, StringComparer.Ordinal))
                sb.Append(name).Append(labels).Append(' ').Append(series.Value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        return sb.ToString();
    }

    private Family Get(string name, string help, string type)
    {
        var family = _families.GetOrAdd(name, _ => new Family(help, type));
        return family.Type == type ? family : throw new InvalidOperationException($"Metric {name} is a {family.Type}, not a {type}.");
    }

    private static string LabelText((string Key, string Value)[] labels)
        => labels.Length == 0 ? "" : "{" + string.Join(",", labels.Select(l => $"{l.Key}=\"{l.Value.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"")) + "}";

    private sealed record Family(string Help, string Type)
    {
        public ConcurrentDictionary<string, Series> Series { get; } = new();
    }
}

/// <summary>One time series.</summary>
public abstract class Series
{
    private long _bits;
    public double Value => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _bits));
    protected void Store(double value) => Interlocked.Exchange(ref _bits, BitConverter.DoubleToInt64Bits(value));
    protected void AddValue(double delta)
    {
        long seen, next;
        do { seen = Interlocked.Read(ref _bits); next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + delta); }
        while (Interlocked.CompareExchange(ref _bits, next, seen) != seen);
    }
}

public sealed class Counter : Series
{
    public void Inc(double by = 1) { if (by < 0) throw new ArgumentOutOfRangeException(nameof(by)); AddValue(by); }
}

public sealed class Gauge : Series
{
    public void Set(double value) => Store(value);
    public void Add(double delta) => AddValue(delta);
}
