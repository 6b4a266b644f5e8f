using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Rhythmic.Cli.Tests;

/// <summary>
/// The built <c>rhythmic</c> CLI run as a process of its own (as an operator runs it), with its output kept in a log
/// file and the last lines in memory; <see cref="Kill"/> is a SIGKILL, which gives the process no chance to clean up.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private const int TailLines = 60;
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Queue<string> _tail = new();
    private readonly Lock _gate = new();
    private readonly List<(Regex Pattern, TaskCompletionSource<string> Found)> _waiters = [];

    public string Name { get; }
    public string LogPath { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    private ChildProcess(string name, string logPath, ProcessStartInfo psi)
    {
        Name = name;
        LogPath = logPath;
        _log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        _process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>
    /// A child outlives a test process that is itself killed (nothing runs its Dispose); coreutils' timeout ends it
    /// after this long in that case, so a crashed test run leaves no Kafka or consumer running for ever.
    /// </summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    /// <summary>Starts <c>dotnet rhythmic.dll <paramref name="args"/></c> with <paramref name="environment"/> added to this process's own.</summary>
    public static ChildProcess Start(string name, string logPath, IReadOnlyDictionary<string, string> environment, string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo("timeout", ["--signal=KILL", $"{(int)Lifetime.TotalSeconds}s", DotnetHost, CliDll, .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var (key, value) in environment) psi.Environment[key] = value;
        return new ChildProcess(name, logPath, psi);
    }

    /// <summary>The dotnet host running these tests (so the children run on the same runtime).</summary>
    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : "dotnet";

    /// <summary>
    /// The CLI of this build: cli/Rhythmic.Cli/bin/&lt;configuration&gt;/net10.0/rhythmic.dll, or the copy the project
    /// reference puts beside the tests.
    /// </summary>
    public static string CliDll { get; } = FindCli();

    private static string FindCli()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Release";   // bin/<configuration>/net10.0/
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Rhythmic.sln"))) continue;
            var built = Path.Combine(dir.FullName, "cli", "Rhythmic.Cli", "bin", configuration, "net10.0", "rhythmic.dll");
            if (File.Exists(built)) return built;
            break;
        }
        return Path.Combine(AppContext.BaseDirectory, "rhythmic.dll");
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        List<TaskCompletionSource<string>> found = [];
        lock (_gate)
        {
            _log.WriteLine(line);
            _tail.Enqueue(line);
            while (_tail.Count > TailLines) _tail.Dequeue();
            foreach (var waiter in _waiters.Where(w => w.Pattern.IsMatch(line)).ToList())
            {
                _waiters.Remove(waiter);
                found.Add(waiter.Found);
            }
        }
        foreach (var f in found) f.TrySetResult(line);
    }

    /// <summary>The first line matching <paramref name="pattern"/> (among the last lines, or the next ones); fails if the process exits or the deadline passes.</summary>
    public async Task<string> WaitForLineAsync(Regex pattern, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_tail.FirstOrDefault(pattern.IsMatch) is { } printed) return printed;
            _waiters.Add((pattern, found));
        }
        var exited = _process.WaitForExitAsync();
        var winner = await Task.WhenAny(found.Task, exited, Task.Delay(timeout));
        if (winner == found.Task) return await found.Task;
        throw new TimeoutException($"{Name} {(winner == exited ? $"exited ({_process.ExitCode})" : "timed out")} before printing a line matching {pattern}:\n{Tail()}");
    }

    /// <summary>The exit code once the process ends; a timeout kills it and fails.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"{Name} did not exit within {timeout}:\n{Tail()}");
        }
        _process.WaitForExit();   // the output's last lines
        return _process.ExitCode;
    }

    /// <summary>SIGKILL to the CLI (and the timeout above it), then waits until it is gone.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>The last lines the process printed.</summary>
    public string Tail()
    {
        lock (_gate) return $"--- last lines of {Name} ({LogPath}) ---\n" + string.Join('\n', _tail);
    }

    public void Dispose()
    {
        try { Kill(); } catch (InvalidOperationException) { }
        _process.Dispose();
        lock (_gate) _log.Dispose();
    }
}
