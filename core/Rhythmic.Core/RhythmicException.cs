namespace Rhythmic.Core;

/// <summary>An error of the platform's own making (bad configuration, missing infrastructure): shown as its message, exit code 1.</summary>
public class RhythmicException(string message, Exception? inner = null) : Exception(message, inner);
