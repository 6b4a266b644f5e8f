using Rhythmic.Cli;

return await Cli.RunAsync(args);
