using System.Text.Json;
using Berth.Sdk;
using Berth.Sdk.Cluster;

namespace Berth.Kernel.Cluster.Agent;

/// <summary>
/// One task of the node's assignments: the fields the agent decides on, read from the Engine API task document, which
/// is kept whole for the container mapping.
/// </summary>
/// <param name="State">The task's state as the manager last recorded it.</param>
public sealed record AssignedTask(string Id, string ServiceId, long Slot, string NodeId, string DesiredState, string State, JsonElement Document)
{
    /// <summary>Swarm's default stop grace period (api/defaults/service.go).</summary>
    public static readonly TimeSpan DefaultStopGracePeriod = TimeSpan.FromSeconds(10);

    public JsonElement? Spec => Document.Child("Spec");

    public JsonElement? ContainerSpec => Spec.Child("ContainerSpec");

    public string Image => ContainerSpec.String("Image") ?? "";

    public bool Tty => ContainerSpec.Bool("TTY") ?? false;

    /// <summary>The X-Registry-Auth the service was created or updated with (<c>--with-registry-auth</c>), if any.</summary>
    public string? RegistryAuth => ContainerSpec.Child("PullOptions").String("RegistryAuth") is { Length: > 0 } auth ? auth : null;

    /// <summary>ContainerSpec.StopGracePeriod (nanoseconds), 10 s when unset.</summary>
    public TimeSpan StopGracePeriod => ContainerSpec.Int64("StopGracePeriod") is { } ns and >= 0 ? TimeSpan.FromTicks(ns / 100) : DefaultStopGracePeriod;

    /// <exception cref="BerthException">The document has no ID.</exception>
    public static AssignedTask Parse(JsonElement document)
    {
        var id = document.String("ID");
        if (string.IsNullOrEmpty(id)) throw BerthException.Invalid("an assigned task has no ID");
        JsonElement? doc = document;
        return new AssignedTask(
            id,
            document.String("ServiceID") ?? "",
            doc.Int64("Slot") ?? 0,
            document.String("NodeID") ?? "",
            document.String("DesiredState") ?? TaskStates.Running,
            doc.Child("Status").String("State") ?? TaskStates.New,
            document.Clone());
    }
}
