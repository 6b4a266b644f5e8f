using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Rhythmic.Serving;

namespace Rhythmic.Cli.Verbs;

/// <summary><c>rhythmic serve</c>: the HTTP API alone.</summary>
internal static class ServeVerb
{
    public static Command Create()
    {
        var command = new Command("serve", "Run the serving API (dashboard, health, metrics, batch + speed views) alone.");
        command.SetAction(async (_, invocation) =>
        {
            using var ctx = CliContext.Load();
            return await ctx.RunWithDatabaseAsync("Rhythmic.Serve", invocation,
                (_, ct) => HostingAbstractionsHostExtensions.RunAsync(ServingHost.Build(ctx.Settings, dataSource: ctx.DataSource), ct));
        });
        return command;
    }
}
