namespace Rhythmic.Core.Kafka;

/// <summary>The machine's memory: all of it this process may use, and what is free for it now.</summary>
public readonly record struct MachineMemory(long TotalBytes, long AvailableBytes)
{
    /// <summary>
    /// /proc/meminfo's MemTotal and MemAvailable, each capped by what the runtime may use (a container's limit shows
    /// there); the runtime's figure alone where /proc/meminfo is missing.
    /// </summary>
    public static MachineMemory Read()
    {
        var runtime = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long total = 0, available = 0;
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal)) total = KiloBytes(line);
                else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)) available = KiloBytes(line);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        if (total <= 0) total = runtime;
        if (available <= 0) available = total;
        if (runtime > 0) { total = Math.Min(total, runtime); available = Math.Min(available, runtime); }
        return new MachineMemory(total, available);
    }

    private static long KiloBytes(string line)
        => long.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], out var kb) ? kb * 1024 : 0;
}

/// <summary>
/// What the embedded Kafka may come to hold: every partition of every topic full, <c>topics x partitions x
/// Kafka:EmbeddedRetentionMB</c>, against the machine's memory. The mock holds messages in memory and keeps them
/// (read or not) until its retention deletes them, so a long run comes to the worst case on its busiest topics.
/// A worst case beyond the machine's memory is refused: it would end with the kernel killing the process and the
/// whole log with it, which loses unread messages too. One beyond what is free now is a warning: other programs'
/// memory comes and goes, and the log fills only as messages arrive.
/// </summary>
public sealed record EmbeddedKafkaMemory(int Topics, int Partitions, int RetentionMB, MachineMemory Machine)
{
    /// <summary>Bytes the cluster holds with every partition full.</summary>
    public long WorstCaseBytes => (long)Topics * Partitions * ((long)RetentionMB << 20);

    /// <summary>Whether even the machine's whole memory cannot hold the worst case.</summary>
    public bool CannotFit => WorstCaseBytes > Machine.TotalBytes;

    /// <summary>Whether the worst case exceeds the memory free now.</summary>
    public bool MayNotFit => WorstCaseBytes > Machine.AvailableBytes;

    /// <summary>The largest Kafka:EmbeddedRetentionMB whose worst case fits in <paramref name="bytes"/>.</summary>
    public long RetentionMBFitting(long bytes) => Math.Max(1, bytes / ((long)Topics * Partitions) >> 20);

    /// <summary>The one-line refusal, naming the key and the value that would fit.</summary>
    public string Refusal =>
        $"Kafka:EmbeddedRetentionMB = {RetentionMB} lets the embedded Kafka hold up to {WorstCaseBytes >> 20} MB " +
        $"({Topics} topics x {Partitions} partitions x {RetentionMB} MB), more than this machine's {Machine.TotalBytes >> 20} MB of memory: " +
        $"set Kafka:EmbeddedRetentionMB to at most {RetentionMBFitting(Machine.TotalBytes)}, or use a real Kafka (Kafka:BootstrapServers).";
}
