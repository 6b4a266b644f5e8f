using System.Diagnostics;

namespace Rhythmic.Deployment.Tests;

/// <summary>The repository these tests check, and the small processes they run in it.</summary>
internal static class Repo
{
    /// <summary>The repository root: the nearest folder above the test binaries that holds Rhythmic.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>The files git tracks (what a commit holds), relative to the root.</summary>
    public static IReadOnlyList<string> TrackedFiles()
    {
        var (exit, stdout, stderr) = Run("git", ["-C", Root, "ls-files", "-z"]);
        Assert.True(exit == 0, $"git ls-files failed (exit {exit}): {stderr}");
        return stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Runs a program to its end; returns its exit code and output. A run over two minutes is a failure.</summary>
    public static (int Exit, string Out, string Err) Run(string file, IEnumerable<string> args, IDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? Root, UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not end within 2 minutes");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Rhythmic.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No Rhythmic.sln above {AppContext.BaseDirectory}");
    }
}
