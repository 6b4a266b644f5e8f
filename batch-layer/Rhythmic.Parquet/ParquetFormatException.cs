namespace Rhythmic.Parquet;

/// <summary>A file that is not valid Parquet, is truncated, or uses a feature this reader does not support.</summary>
public sealed class ParquetFormatException(string message, Exception? inner = null) : Exception(message, inner);

internal static class ThrowHelper
{
    public static void Corrupt(string message) => throw new ParquetFormatException(message);
    public static T Corrupt<T>(string message) => throw new ParquetFormatException(message);
}
