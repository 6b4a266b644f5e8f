using Rhythmic.Core.Observability;

namespace Rhythmic.Core.Tests;

public sealed class MetricsTests
{
    [Fact]
    public void Counters_and_gauges_render_with_help_type_and_labels()
    {
        var registry = new MetricsRegistry();
        registry.Counter("x_total", "X seen.", ("topic", "a")).Inc(2);
        registry.Counter("x_total", "X seen.", ("topic", "a")).Inc();
        registry.Gauge("lag", "Lag.", ("partition", "0")).Set(7.5);
        var text = registry.Render();
        Assert.Contains("# HELP x_total X seen.\n# TYPE x_total counter\nx_total{topic=\"a\"} 3\n", text);
        Assert.Contains("lag{partition=\"0\"} 7.5\n", text);
    }

    [Fact]
    public void Label_values_are_escaped()
    {
        var registry = new MetricsRegistry();
        registry.Gauge("g", "G.", ("reason", "a \"quoted\" \\ value")).Set(1);
        Assert.Contains("g{reason=\"a \\\"quoted\\\" \\\\ value\"} 1", registry.Render());
    }

    [Fact]
    public void Concurrent_increments_are_not_lost()
    {
        var registry = new MetricsRegistry();
        var counter = registry.Counter("c_total", "C.");
        Parallel.For(0, 100_000, _ => counter.Inc());
        Assert.Equal(100_000, counter.Value);
    }

    [Fact]
    public void A_name_keeps_its_type()
    {
        var registry = new MetricsRegistry();
        registry.Counter("m", "M.");
        Assert.Throws<InvalidOperationException>(() => registry.Gauge("m", "M."));
    }
}
