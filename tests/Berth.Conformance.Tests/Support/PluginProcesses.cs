using Berth.Sdk.Testing;

namespace Berth.Conformance.Tests.Support;

/// <summary>The plugin processes a fixture started, by the client it handed to the kit, so the kit's release stops the right one.</summary>
internal sealed class PluginProcesses<T> where T : class
{
    private readonly Dictionary<T, PluginProcess> processes = [];

    /// <summary>Starts a bundled plugin package (as published in artifacts/berthd/plugins) over <paramref name="root"/>.</summary>
    public async Task<T> StartAsync(string bundledPlugin, string root, CancellationToken ct)
    {
        var process = await PluginProcess.StartAsync(InstalledPackages.PluginHost, InstalledPackages.Bundled(bundledPlugin), root, cancellationToken: ct);
        var client = process.Client<T>();
        processes[client] = process;
        return client;
    }

    public async Task StopAsync(T client)
    {
        if (processes.Remove(client, out var process)) await process.DisposeAsync();
    }
}
