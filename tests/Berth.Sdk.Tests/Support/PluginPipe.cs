using Berth.Sdk.GraphDriver;
using Berth.Sdk.Hosting.Server;
using Berth.Sdk.Hosting.Wire;
using Berth.Sdk.Kernel;
using Berth.Sdk.Logging;
using Berth.Sdk.Protocol;
using Nerdbank.Streams;

namespace Berth.Sdk.Tests.Support;

/// <summary>
/// A plugin served by <see cref="PluginServer.RunAsync"/> on one end of an in-memory duplex pipe and a client
/// <see cref="RpcConnection"/> on the other: the whole wire stack without a process.
/// </summary>
internal sealed class PluginPipe : IAsyncDisposable
{
    private readonly Stream clientStream;
    private readonly Stream serverStream;

    private PluginPipe(Stream clientStream, Stream serverStream, Task server, RpcConnection client, StringWriter log, IKernelHost? kernel)
    {
        if (kernel is not null) ContractBinding.AddTarget(client.Rpc, typeof(IKernelHost), KernelWire.KernelHostPrefix, kernel);
        this.clientStream = clientStream;
        this.serverStream = serverStream;
        Server = server;
        Client = client;
        Log = log;
        Control = ContractBinding.Attach<IPluginControl>(client.Rpc, WireNames.ControlPrefix);
        LogDriver = ContractBinding.Attach<ILogDriver>(client.Rpc, "LogDriver.");
        GraphDriver = ContractBinding.Attach<IGraphDriver>(client.Rpc, "GraphDriver.");
        client.Rpc.StartListening();
    }

    public static readonly PluginIdentity Identity = new("test-driver:latest", "1.2.3");

    /// <summary>Completes when <see cref="PluginServer.RunAsync"/> returns.</summary>
    public Task Server { get; }

    public RpcConnection Client { get; }

    public StringWriter Log { get; }

    public IPluginControl Control { get; }

    public ILogDriver LogDriver { get; }

    public IGraphDriver GraphDriver { get; }

    /// <param name="kernel">Served to the plugin as the kernel, when the test needs one that answers.</param>
    public static PluginPipe Start(Func<IKernelHost, object> factory, IKernelHost? kernel = null)
    {
        var (clientStream, serverStream) = FullDuplexStream.CreatePair();
        var log = new StringWriter();
        var server = Task.Run(() => PluginServer.RunAsync(serverStream, Identity, factory, TextWriter.Synchronized(log)));
        var client = RpcConnection.Create(clientStream);
        return new PluginPipe(clientStream, serverStream, server, client, log, kernel);
    }

    public Task<ActivationResponse> ActivateAsync() =>
        Control.ActivateAsync(new ActivationRequest("test", Protocols.All.Select(p => p.Protocol.ToString()).ToList()), CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().ConfigureAwait(false);
        await clientStream.DisposeAsync().ConfigureAwait(false);
        try
        {
            await Server.WaitAsync(Wait.Cap).ConfigureAwait(false);
        }
        finally
        {
            await serverStream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
