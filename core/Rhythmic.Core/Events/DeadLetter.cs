namespace Rhythmic.Core.Events;

/// <summary>
/// A message a consumer could not use (serving.dead_letters): where it was read, when, why, and its first
/// <see cref="MaxPayloadBytes"/> bytes with its full size. The speed layer and the lake record the same rows (the lake's
/// manifest stores its commit's time as <c>received_at</c>).
/// </summary>
public sealed record DeadLetter(string Topic, int Partition, long Offset, DateTime ReceivedAt, string Reason, byte[] Payload, int PayloadBytes)
{
    /// <summary>Dead letters keep at most this many bytes of their message.</summary>
    public const int MaxPayloadBytes = 4096;

    /// <summary>The dead letter of <paramref name="message"/>, keeping its first <see cref="MaxPayloadBytes"/> bytes.</summary>
    public static DeadLetter Of(string topic, int partition, long offset, DateTime receivedAt, string reason, ReadOnlySpan<byte> message)
        => new(topic, partition, offset, receivedAt, reason, message[..Math.Min(message.Length, MaxPayloadBytes)].ToArray(), message.Length);
}
