using Berth.Sdk.Hosting.Wire;
using Berth.Sdk.Kernel;
using Berth.Sdk.Protocol;

namespace Berth.Sdk.Hosting.Server;

/// <summary>
/// Serves one plugin over a duplex stream: the control surface (handshake, ping, shutdown) plus every
/// driver contract the plugin object implements. Used by berth-plugin-host on its stdio and by tests in memory.
/// </summary>
public static class PluginServer
{
    /// <summary>Runs until the other end disconnects or asks for shutdown.</summary>
    /// <param name="duplex">The transport (the host's stdin/stdout spliced together).</param>
    /// <param name="identity">Name and version the plugin answers the handshake with.</param>
    /// <param name="factory">Builds the plugin object; a throw is reported in the handshake, not as a crash.</param>
    public static async Task RunAsync(Stream duplex, PluginIdentity identity, Func<IKernelHost, object> factory, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(factory);
        await using var connection = RpcConnection.Create(duplex);
        connection.Rpc.AllowModificationWhileListening = true;
        var kernel = ContractBinding.Attach<IKernelHost>(connection.Rpc, KernelWire.KernelHostPrefix);
        var loaded = new TaskCompletionSource<PluginLoad>(TaskCreationOptions.RunContinuationsAsynchronously);
        ContractBinding.AddControl(connection.Rpc, new PluginControl(identity, loaded.Task, connection));
        connection.Rpc.StartListening();

        // The plugin is built only once the connection listens, so its constructor may already call the kernel;
        // the handshake waits for it, and the kernel sends no driver call before the handshake.
        object? plugin = null;
        try
        {
            plugin = await Task.Run(() => factory(kernel)).ConfigureAwait(false);
            var implements = Implemented(plugin);
            foreach (var contract in implements)
                ContractBinding.AddTarget(connection.Rpc, contract.Contract, contract.MethodPrefix, plugin);
            loaded.SetResult(new PluginLoad(implements, null));
        }
        catch (Exception ex)
        {
            var loadError = ex is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : ex;
            await log.WriteLineAsync($"plugin failed to load: {loadError}").ConfigureAwait(false);
            loaded.SetResult(new PluginLoad([], loadError));
        }

        try
        {
            await connection.Completion.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await log.WriteLineAsync($"plugin connection ended: {ex.Message}").ConfigureAwait(false);
        }
        finally
        {
            switch (plugin)
            {
                case IAsyncDisposable ad: await ad.DisposeAsync().ConfigureAwait(false); break;
                case IDisposable d: d.Dispose(); break;
            }
        }
    }

    /// <summary>The contracts a plugin object implements.</summary>
    public static IReadOnlyList<ContractDescriptor> Implemented(object plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        var interfaces = plugin.GetType().GetInterfaces();
        return Protocols.All.Where(c => interfaces.Contains(c.Contract)).ToList();
    }
}

/// <summary>What loading the plugin gave: the contracts it serves, or why it failed.</summary>
internal sealed record PluginLoad(IReadOnlyList<ContractDescriptor> Implements, Exception? Error);

/// <param name="Name">Installed plugin name.</param>
/// <param name="Version">Package version.</param>
public sealed record PluginIdentity(string Name, string Version);
