using System.Buffers;
using Berth.Sdk.Hosting.Wire;
using Berth.Sdk.Protocol;

namespace Berth.Sdk.Hosting.Server;

/// <summary>The control surface a plugin process serves: handshake, ping, drain, shutdown.</summary>
internal sealed class PluginControl(
    PluginIdentity identity,
    Task<PluginLoad> loading,
    RpcConnection connection) : IPluginControl
{
    public static readonly string SdkVersion =
        typeof(IPluginControl).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public async Task<ActivationResponse> ActivateAsync(ActivationRequest request, CancellationToken cancellationToken)
    {
        var (implements, loadError) = await loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (loadError is not null)
            throw new BerthException(BerthErrorKind.System,
                $"plugin {identity.Name} {identity.Version} failed to load: {loadError.GetType().Name}: {loadError.Message}");
        if (implements.Count == 0)
            throw new BerthException(BerthErrorKind.InvalidParameter,
                $"plugin {identity.Name} {identity.Version} implements no Berth driver contract");
        return new ActivationResponse(identity.Name, identity.Version, SdkVersion, implements.Select(c => c.Protocol.ToString()).ToList());
    }

    public async Task<PluginHealth> PingAsync(CancellationToken cancellationToken)
    {
        // A plugin still loading is alive; Environment.WorkingSet reads one /proc file (Process.WorkingSet64 reads one per thread).
        var error = loading.IsCompleted ? (await loading.ConfigureAwait(false)).Error : null;
        return new PluginHealth(error is null, error?.Message, Environment.WorkingSet);
    }

    public async Task<long> DrainAsync(Stream data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            long total = 0;
            int read;
            while ((read = await data.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                total += read;
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public Task ShutdownAsync(CancellationToken cancellationToken)
    {
        // Answer first, then close the connection so the host process exits.
        _ = Task.Run(async () =>
        {
            await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }, CancellationToken.None);
        return Task.CompletedTask;
    }
}
