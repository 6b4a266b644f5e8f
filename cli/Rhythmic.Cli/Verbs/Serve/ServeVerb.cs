using System.CommandLine;
using Rhythmic.Core;
using Rhythmic.Serving;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic serve</c>: the HTTP API alone.</summary>
internal static class ServeVerb
{
    public static Command Create()
    {
        var command = new Command("serve", "Run the serving API (health, metrics, batch + speed views) alone.");
        command.SetAction(async (_, invocation) =>
        {
            using var ctx = CliContext.Load();
            var ct = CliContext.ShutdownToken(invocation);
            await PlatformDatabase.PrepareAsync(ctx.Settings, ctx.Logger("Rhythmic.Serve"), ct);
            await Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.RunAsync(ServingHost.Build(ctx.Settings), ct);
            return 0;
        });
        return command;
    }
}
