using Berth.PluginHost;
using Berth.Sdk.Hosting.Server;
using Nerdbank.Streams;

// stdout carries protocol bytes only: take the raw stream first, then send every Console.Write to stderr.
var stdout = Console.OpenStandardOutput();
var stdin = Console.OpenStandardInput();
var log = Console.Error;
Console.SetOut(log);

var hostArgs = HostArguments.Parse(args, log);
if (hostArgs is null) return 2;

var duplex = FullDuplexStream.Splice(stdin, stdout);
await PluginServer.RunAsync(
    duplex,
    new PluginIdentity(hostArgs.Name, hostArgs.Version),
    kernel => IsolatedPluginLoader.Create(hostArgs, kernel, log),
    log);
return 0;
