using System.Diagnostics;
using System.Text;
using Berth.Sdk.Hosting.Packages;
using Berth.Sdk.Hosting.Wire;
using Berth.Sdk.Kernel;
using Berth.Sdk.Protocol;
using Nerdbank.Streams;

namespace Berth.Sdk.Testing;

/// <summary>
/// A plugin package run as berthd runs it: <c>berth-plugin-host NAME VERSION --package DIR --root DIR</c> in a process
/// of its own, spoken to over its stdio with Berth's wire and activated with the handshake. A kit fixture returns
/// <see cref="Client{T}"/> from its Create…Async to check the packaged plugin process (the driver as it ships: its
/// config.json, its rootfs/ and the host's load context) instead of an instance in the test's process.
/// </summary>
public sealed class PluginProcess : IAsyncDisposable
{
    private static readonly TimeSpan ActivationTimeout = TimeSpan.FromSeconds(30);

    private readonly Process process;
    private readonly RpcConnection rpc;
    private readonly IPluginControl control;
    private readonly StringBuilder log = new();
    private readonly Task logPump;

    private PluginProcess(Process process)
    {
        this.process = process;
        rpc = RpcConnection.Create(FullDuplexStream.Splice(process.StandardOutput.BaseStream, process.StandardInput.BaseStream));
        control = ContractBinding.Attach<IPluginControl>(rpc.Rpc, WireNames.ControlPrefix);
        logPump = PumpLogAsync();
    }

    /// <summary>What the plugin wrote to its log (stderr) so far.</summary>
    public string Log
    {
        get
        {
            lock (log) return log.ToString();
        }
    }

    /// <summary>
    /// Starts the host on <paramref name="packageDirectory"/> (config.json + rootfs/) with <paramref name="root"/> as
    /// the plugin's state directory, serves <paramref name="kernel"/> (a <see cref="ConformanceKernelHost"/> by
    /// default) to it, and activates it.
    /// </summary>
    /// <param name="hostExecutable">The <c>berth-plugin-host</c> of a Berth installation (beside berthd).</param>
    public static async Task<PluginProcess> StartAsync(string hostExecutable, string packageDirectory, string root, IKernelHost? kernel = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostExecutable);
        if (!File.Exists(hostExecutable)) throw new FileNotFoundException($"no plugin host at {hostExecutable}", hostExecutable);
        var package = PluginPackage.Load(packageDirectory, Protocols.All.ToDictionary(c => c.Protocol.Kind, c => c.Protocol.Major));
        Directory.CreateDirectory(root);
        var start = new ProcessStartInfo(hostExecutable)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = root,
        };
        foreach (var arg in new[] { package.Config.Berth?.Name ?? "conformance", package.Version, "--package", package.Directory, "--root", root })
            start.ArgumentList.Add(arg);
        var plugin = new PluginProcess(Process.Start(start) ?? throw new InvalidOperationException($"could not start {hostExecutable}"));
        try
        {
            ContractBinding.AddTarget(plugin.rpc.Rpc, typeof(IKernelHost), KernelWire.KernelHostPrefix, kernel ?? new ConformanceKernelHost(root));
            plugin.rpc.Rpc.StartListening();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(ActivationTimeout);
            var request = new ActivationRequest("conformance", Protocols.All.Select(c => c.Protocol.ToString()).ToList());
            await plugin.control.ActivateAsync(request, deadline.Token).ConfigureAwait(false);
            return plugin;
        }
        catch (Exception ex)
        {
            var log = plugin.Log;
            await plugin.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"the plugin in {packageDirectory} did not activate: {ex.Message}\n{log}", ex);
        }
    }

    /// <summary>A client of a contract the plugin serves (<c>Client&lt;ILogDriver&gt;()</c>); its calls go to the process.</summary>
    public T Client<T>() where T : class
    {
        var contract = Protocols.ForInterface(typeof(T)) ?? throw new ArgumentException($"{typeof(T).Name} is not a driver contract");
        return PluginClientProxy<T>.Wrap(ContractBinding.Attach<T>(rpc.Rpc, contract.MethodPrefix), $"plugin process {process.Id}");
    }

    /// <summary>Asks the plugin to shut down as berthd does, then makes sure the process is gone.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await control.ShutdownAsync(grace.Token).ConfigureAwait(false);
                await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // whatever the shutdown did, the process is killed below
        catch (Exception)
#pragma warning restore CA1031
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        await rpc.DisposeAsync().ConfigureAwait(false);
        await logPump.ConfigureAwait(false);
        process.Dispose();
    }

    private async Task PumpLogAsync()
    {
        while (await process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (log) log.AppendLine(line);
        }
    }
}
