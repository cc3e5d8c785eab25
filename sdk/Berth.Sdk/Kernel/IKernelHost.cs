using System.Text.Json;
using Berth.Sdk.Logging;

namespace Berth.Sdk.Kernel;

/// <summary>What a plugin may ask of berthd. Served by the kernel on the same connection as the driver calls.</summary>
public interface IKernelHost
{
    /// <summary>berthd's identity and the daemon settings a driver may need.</summary>
    [Idempotent]
    Task<DaemonDescription> DescribeAsync(CancellationToken cancellationToken);

    /// <summary>Publishes an event on the daemon's event stream (<c>docker events</c>).</summary>
    Task PublishEventAsync(PluginEvent pluginEvent, CancellationToken cancellationToken);

    /// <summary>Creates a container from an Engine API create body; returns its id.</summary>
    Task<string> CreateContainerAsync(string? name, JsonElement config, CancellationToken cancellationToken);

    Task StartContainerAsync(string idOrName, CancellationToken cancellationToken);

    Task StopContainerAsync(string idOrName, int? timeoutSeconds, CancellationToken cancellationToken);

    Task RemoveContainerAsync(string idOrName, bool force, CancellationToken cancellationToken);

    /// <summary>The Engine API's container inspect document.</summary>
    [Idempotent]
    Task<JsonElement> InspectContainerAsync(string idOrName, CancellationToken cancellationToken);

    /// <summary>
    /// A local container's log as <c>docker logs</c> reads it: a stream of framed <see cref="LogEntry"/> messages
    /// (<see cref="LogEntryCodec"/>) until EOF. When following, the stream ends a moment after the container stops;
    /// while it is idle an entry with an empty <see cref="LogEntry.Source"/> is sent every few seconds, a keepalive
    /// the reader skips, so that a reader that went away is noticed. Added alongside cluster/1.1.
    /// </summary>
    [Idempotent]
    Task<Stream> ReadContainerLogsAsync(string idOrName, ReadConfig config, CancellationToken cancellationToken);
}

public sealed record DaemonDescription(
    string Id,
    string Name,
    string Version,
    string DataRoot,
    string ExecRoot,
    IReadOnlyDictionary<string, string> Labels);

/// <param name="Type">Engine API event type, e.g. <c>network</c>, <c>service</c>, <c>node</c>.</param>
/// <param name="Action">e.g. <c>create</c>.</param>
public sealed record PluginEvent(string Type, string Action, string ActorId, IReadOnlyDictionary<string, string> Attributes);
