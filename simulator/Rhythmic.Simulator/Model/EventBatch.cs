using System.Buffers;

namespace Rhythmic.Simulator.Model;

/// <summary>
/// The events one worker generated for one time window, in (ts, userId) order: their key and JSON bytes in one
/// pooled buffer, and an index of records for the merge.
/// </summary>
internal sealed class EventBatch : IDisposable
{
    /// <summary>Largest event the writer may produce (long artist names included).</summary>
    public const int MaxStep = 16 * 1024;

    public struct Record
    {
        public long Ts;
        public long UserId;
        public int Offset;
        public int KeyLength;
        public int JsonLength;
        public byte Topic;
    }

    public byte[] Data = ArrayPool<byte>.Shared.Rent(1 << 20);
    public int Length;
    public Record[] Records = ArrayPool<Record>.Shared.Rent(8192);
    public int Count;

    public void Clear() { Length = 0; Count = 0; }

    /// <summary>Makes room for one step's events (at most a few, each under <see cref="MaxStep"/>/4).</summary>
    public void EnsureRoom()
    {
        if (Data.Length - Length < MaxStep)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Data.Length * 2);
            Data.AsSpan(0, Length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(Data);
            Data = bigger;
        }
        if (Records.Length - Count < 4)
        {
            var bigger = ArrayPool<Record>.Shared.Rent(Records.Length * 2);
            Records.AsSpan(0, Count).CopyTo(bigger);
            ArrayPool<Record>.Shared.Return(Records);
            Records = bigger;
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(Data);
        ArrayPool<Record>.Shared.Return(Records);
        Data = [];
        Records = [];
    }
}
