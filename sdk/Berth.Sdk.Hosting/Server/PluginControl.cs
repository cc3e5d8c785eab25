using System.Buffers;
using Berth.Sdk.Hosting.Wire;
using Berth.Sdk.Protocol;

namespace Berth.Sdk.Hosting.Server;

/// <summary>The control surface a plugin process serves: handshake, ping, drain, shutdown.</summary>
internal sealed class PluginControl(
    PluginIdentity identity,
    IReadOnlyList<ContractDescriptor> implements,
    Exception? loadError,
    RpcConnection connection) : IPluginControl
{
    public static readonly string SdkVersion =
        typeof(IPluginControl).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public Task<ActivationResponse> ActivateAsync(ActivationRequest request, CancellationToken cancellationToken)
    {
        if (loadError is not null)
            throw new BerthException(BerthErrorKind.System,
                $"plugin {identity.Name} {identity.Version} failed to load: {loadError.GetType().Name}: {loadError.Message}");
        if (implements.Count == 0)
            throw new BerthException(BerthErrorKind.InvalidParameter,
                $"plugin {identity.Name} {identity.Version} implements no Berth driver contract");
        return Task.FromResult(new ActivationResponse(
            identity.Name, identity.Version, SdkVersion, implements.Select(c => c.Protocol.ToString()).ToList()));
    }

    public Task<PluginHealth> PingAsync(CancellationToken cancellationToken)
    {
        // Environment.WorkingSet reads one /proc file; Process.WorkingSet64 reads one per thread (0.5 ms a ping).
        return Task.FromResult(new PluginHealth(loadError is null, loadError?.Message, Environment.WorkingSet));
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
