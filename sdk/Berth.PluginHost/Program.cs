using Berth.PluginHost;
using Berth.Sdk.Hosting.Server;
using Nerdbank.Streams;

// stdout carries protocol bytes only: the protocol gets a private copy of fd 1, and fd 1 (with Console.Out) goes to stderr.
var stdout = ProtocolChannel.TakeStdout();
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
