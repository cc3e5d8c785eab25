namespace Berth.Sdk.Protocol;

/// <summary>The kernel's first call on a fresh plugin process.</summary>
/// <param name="KernelVersion">berthd's version.</param>
/// <param name="Protocols">Protocol ids the kernel speaks (e.g. <c>logdriver/1.0</c>).</param>
public sealed record ActivationRequest(string KernelVersion, IReadOnlyList<string> Protocols);

/// <summary>What a plugin answers to activation: who it is and which contracts it serves.</summary>
/// <param name="Implements">Protocol ids, e.g. <c>graphdriver/1.0</c>.</param>
public sealed record ActivationResponse(
    string PluginName,
    string Version,
    string SdkVersion,
    IReadOnlyList<string> Implements);

/// <summary>Health answer of a plugin process.</summary>
public sealed record PluginHealth(bool Healthy, string? Message, long WorkingSetBytes);

/// <summary>The control surface every plugin host serves, independent of the driver kinds it implements.</summary>
public interface IPluginControl
{
    /// <summary>Loads the driver assembly (if not loaded yet) and answers the handshake.</summary>
    Task<ActivationResponse> ActivateAsync(ActivationRequest request, CancellationToken cancellationToken);

    /// <summary>Liveness probe used by the supervisor.</summary>
    Task<PluginHealth> PingAsync(CancellationToken cancellationToken);

    /// <summary>Reads <paramref name="data"/> to its end and returns the byte count (diagnostics and benchmarks of bulk channels).</summary>
    Task<long> DrainAsync(Stream data, CancellationToken cancellationToken);

    /// <summary>Asks the plugin to release its resources; the process exits after answering.</summary>
    Task ShutdownAsync(CancellationToken cancellationToken);
}
