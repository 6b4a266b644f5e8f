using Rhythmic.Core.Configuration;
using Spectre.Console;

namespace Rhythmic.Cli.Tests;

/// <summary>
/// Runs the <c>rhythmic</c> front door in this process against a temporary home (RHYTHMIC_HOME), capturing what it
/// prints. Tests deriving from it share an environment variable, so they belong to the CLI collection.
/// </summary>
public abstract class InProcessCli : IDisposable
{
    private readonly string? _previousHome = Environment.GetEnvironmentVariable(RhythmicConfiguration.HomeVariable);

    /// <summary>The temporary home the verbs run in.</summary>
    protected string Home { get; } = Directory.CreateTempSubdirectory("rhythmic-cli-").FullName;

    protected InProcessCli() => Environment.SetEnvironmentVariable(RhythmicConfiguration.HomeVariable, Home);

    /// <summary>Runs a verb; returns its exit code and what it wrote to stdout and stderr.</summary>
    protected static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var capturedOut = new StringWriter();
        using var capturedErr = new StringWriter();
        Console.SetOut(capturedOut);
        Console.SetError(capturedErr);
        // Spectre.Console keeps the writer it was created with: give it this run's, and the real one back after, so its
        // refresh thread never writes to a disposed capture.
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(capturedOut) });
        try { return (await Cli.RunAsync(args), capturedOut.ToString(), capturedErr.ToString()); }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
        }
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(RhythmicConfiguration.HomeVariable, _previousHome);
        Directory.Delete(Home, recursive: true);
        GC.SuppressFinalize(this);
    }
}
