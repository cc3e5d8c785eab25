using Berth.Kernel.Daemon;

return await BerthDaemon.RunAsync(args).ConfigureAwait(false);
