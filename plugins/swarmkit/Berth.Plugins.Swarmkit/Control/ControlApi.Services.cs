using System.Text.Json;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Control;

public sealed partial class ControlApi
{
    private async Task<JsonElement> CreateServiceAsync(JsonElement specJson, CancellationToken cancellationToken)
    {
        var spec = SwarmJson.From<ServiceSpec>(specJson);
        // A taken name is refused by the store itself, on every member alike (409, swarmkit's message).
        ServiceValidation.Validate(spec, State);
        var service = new Service
        {
            ID = ObjectIds.New(),
            Spec = spec,
            Endpoint = new ServiceEndpoint { Spec = spec.EndpointSpec ?? new EndpointSpec { Mode = "vip" }, Ports = spec.EndpointSpec?.Ports },
        };
        await proposer.ProposeAsync([StoreOp.Create(service)], cancellationToken).ConfigureAwait(false);
        return IdAnswer(service.ID);
    }

    private async Task<JsonElement> UpdateServiceAsync(string idOrName, long version, JsonElement body, CancellationToken cancellationToken)
    {
        var request = ServiceUpdateRequest.Parse(body);
        var current = ObjectLookup.Resolve<Service>(State, ObjectKind.Service, idOrName);
        Service updated;
        if (request.Rollback)
        {
            var previous = current.PreviousSpec
                ?? throw BerthException.Invalid($"service {current.ID} does not have a previous spec"); // FailedPrecondition: 400 in Moby
            updated = current with
            {
                Spec = previous,
                PreviousSpec = current.Spec,
                UpdateStatus = new UpdateStatus(UpdateStates.RollbackStarted, time.GetUtcNow().UtcDateTime, null, "manually requested rollback"),
            };
        }
        else
        {
            var spec = WithCredentialsOf(request.Spec ?? throw BerthException.Invalid("a service spec is required"), current.Spec);
            ServiceValidation.Validate(spec, State);
            if (!string.Equals(spec.Name, current.Spec.Name, StringComparison.Ordinal))
                throw BerthException.Invalid("renaming services is not supported");
            if (spec.Mode.IsGlobal != current.Spec.Mode.IsGlobal)
                throw BerthException.Invalid("service mode change is not allowed");
            updated = current with
            {
                Spec = spec,
                PreviousSpec = current.Spec,
                // A new update starts afresh; the updater sets "updating" when it picks it up.
                UpdateStatus = null,
                Endpoint = new ServiceEndpoint { Spec = spec.EndpointSpec ?? current.Endpoint?.Spec, Ports = spec.EndpointSpec?.Ports },
            };
        }
        await proposer.ProposeAsync([Versioned(updated, version)], cancellationToken).ConfigureAwait(false);
        return SwarmJson.ToElement(new Dictionary<string, object?> { ["Warnings"] = null });
    }

    private async Task RemoveServiceAsync(string idOrName, CancellationToken cancellationToken)
    {
        var current = ObjectLookup.Resolve<Service>(State, ObjectKind.Service, idOrName);
        await proposer.ProposeAsync([StoreOp.Delete(ObjectKind.Service, current.ID)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An update sent without registry credentials keeps those the service has (the client cannot read them back).</summary>
    private static ServiceSpec WithCredentialsOf(ServiceSpec spec, ServiceSpec current) =>
        spec.TaskTemplate.ContainerSpec is { PullOptions: null } container && current.TaskTemplate.ContainerSpec?.PullOptions is { } kept
            ? spec with { TaskTemplate = spec.TaskTemplate with { ContainerSpec = container with { PullOptions = kept } } }
            : spec;

    /// <summary>An update checked against the version the client read, not the one stored now.</summary>
    private static StoreOp Versioned(StoredObject value, long version) => StoreOp.Update(value with { Version = new ObjectVersion(version) });
}

public static class UpdateStates
{
    public const string Updating = "updating";
    public const string Paused = "paused";
    public const string Completed = "completed";
    public const string RollbackStarted = "rollback_started";
    public const string RollbackPaused = "rollback_paused";
    public const string RollbackCompleted = "rollback_completed";
}

/// <summary>
/// The body of a service update as the kernel passes it: the spec itself, or
/// <c>{"Rollback":"previous"}</c> for <c>docker service rollback</c> / <c>?rollback=previous</c>.
/// </summary>
public sealed record ServiceUpdateRequest(ServiceSpec? Spec, bool Rollback)
{
    public static ServiceUpdateRequest Parse(JsonElement body)
    {
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("Rollback", out var rollback) && rollback.ValueKind == JsonValueKind.String)
        {
            if (rollback.GetString() != "previous")
                throw BerthException.Invalid($"unrecognized rollback option {rollback.GetString()}");
            return new ServiceUpdateRequest(body.TryGetProperty("Spec", out var spec) && spec.ValueKind == JsonValueKind.Object ? SwarmJson.From<ServiceSpec>(spec) : null, true);
        }
        return new ServiceUpdateRequest(SwarmJson.From<ServiceSpec>(body), false);
    }
}
