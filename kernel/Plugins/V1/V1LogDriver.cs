using Berth.Sdk.Logging;

namespace Berth.Kernel.Plugins.V1;

/// <summary><see cref="ILogDriver"/> served by a v1 plugin implementing <c>LogDriver</c>.</summary>
internal sealed class V1LogDriver(V1PluginRegistry registry, string name) : ILogDriver
{
    public async Task<LogCapabilities> CapabilitiesAsync(CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var reply = await client.CallAsync<V1LogCapabilitiesReply>("LogDriver.Capabilities", null, cancellationToken).ConfigureAwait(false);
            return new LogCapabilities(reply.Cap?.ReadLogs ?? reply.ReadLogs);
        }
        catch (V1MethodNotFoundException)
        {
            return new LogCapabilities(false); // optional: a plugin without it cannot read logs back
        }
    }

    public async Task StartLoggingAsync(string file, LogInfo info, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        await client.CallAsync("LogDriver.StartLogging", new V1StartLogging(file, V1LogInfo.From(info)), cancellationToken).ConfigureAwait(false);
    }

    public async Task StopLoggingAsync(string file, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        await client.CallAsync("LogDriver.StopLogging", new V1StopLogging(file), cancellationToken).ConfigureAwait(false);
    }

    public async Task<Stream> ReadLogsAsync(LogInfo info, ReadConfig config, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        return await client.StreamAsync("LogDriver.ReadLogs", new V1ReadLogs(V1LogInfo.From(info), V1ReadConfig.From(config)), cancellationToken).ConfigureAwait(false);
    }

    private Task<V1PluginClient> ClientAsync(CancellationToken cancellationToken) => registry.GetAsync(name, V1Interfaces.LogDriver, cancellationToken);

    public override string ToString() => $"v1 log driver {name}";
}
