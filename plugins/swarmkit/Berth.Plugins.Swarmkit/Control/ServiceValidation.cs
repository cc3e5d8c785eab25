using System.Text.RegularExpressions;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Control;

/// <summary>swarmkit's controlapi checks on a service spec, with its messages; what Berth cannot do yet is refused by name.</summary>
public static partial class ServiceValidation
{
    public static void Validate(ServiceSpec spec, ClusterState state)
    {
        if (string.IsNullOrEmpty(spec.Name))
            throw BerthException.Invalid("meta: name must be provided");
        if (spec.Name.Length > 63 || !DnsLabel().IsMatch(spec.Name))
            throw BerthException.Invalid("name must be valid as a DNS name component");
        var container = spec.TaskTemplate.ContainerSpec
            ?? throw BerthException.Invalid("ContainerSpec: missing in service spec");
        if (string.IsNullOrWhiteSpace(container.Image))
            throw BerthException.Invalid("ContainerSpec: image reference must be provided");
        if (spec.Mode.ReplicatedJob is { ValueKind: System.Text.Json.JsonValueKind.Object } || spec.Mode.GlobalJob is { ValueKind: System.Text.Json.JsonValueKind.Object })
            throw BerthException.NotImplemented("swarm jobs (replicated-job, global-job) are not supported yet by this version of Berth");
        if (spec.Mode.Replicated?.Replicas is < 0)
            throw BerthException.Invalid("Replicas must be non-negative");
        if (spec.TaskTemplate.Placement?.Constraints is { } constraints)
            Orchestration.Constraints.Validate(constraints);
        ValidateRestart(spec.TaskTemplate.RestartPolicy);
        ValidateUpdate(spec.UpdateConfig, "UpdateConfig");
        ValidateUpdate(spec.RollbackConfig, "RollbackConfig");
        ValidateNetworks(spec);
        ValidatePorts(spec.EndpointSpec);
        ValidateReferences(container, state);
    }

    private static void ValidateRestart(RestartPolicy? policy)
    {
        if (policy?.Condition is { } condition && condition is not ("none" or "on-failure" or "any"))
            throw BerthException.Invalid($"invalid RestartCondition: {condition}");
        if (policy?.Delay is < 0)
            throw BerthException.Invalid("TaskSpec: restart-delay cannot be negative");
    }

    private static void ValidateUpdate(UpdateConfig? config, string what)
    {
        if (config is null)
            return;
        if (config.Delay < 0)
            throw BerthException.Invalid($"{what}: update-delay cannot be negative");
        if (config.Monitor < 0)
            throw BerthException.Invalid($"{what}: update-monitor cannot be negative");
        if (config.MaxFailureRatio is < 0 or > 1)
            throw BerthException.Invalid($"{what}: update-maxfailureratio cannot be less than 0 or bigger than 1");
        if (config.FailureAction is { } action && action is not ("pause" or "continue" or "rollback"))
            throw BerthException.Invalid($"{what}: invalid failure action {action}");
        if (config.Order is { } order && order is not ("stop-first" or "start-first"))
            throw BerthException.Invalid($"{what}: invalid update order {order}");
    }

    /// <summary>Targets name node-local networks, which the daemon that received the request resolved; see ServiceNetworks.</summary>
    private static void ValidateNetworks(ServiceSpec spec)
    {
        foreach (var attachment in (spec.TaskTemplate.Networks ?? []).Concat(spec.Networks ?? []))
        {
            if (string.IsNullOrWhiteSpace(attachment.Target))
                throw BerthException.Invalid("network attachment target cannot be empty");
        }
        var duplicate = (spec.TaskTemplate.Networks ?? []).GroupBy(a => a.Target, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw BerthException.Invalid($"service cannot be attached to the same network more than once: {duplicate.Key}");
    }

    private static void ValidatePorts(EndpointSpec? endpoint)
    {
        if (endpoint?.Mode is { } mode && mode is not ("vip" or "dnsrr"))
            throw BerthException.Invalid($"invalid endpoint mode {mode}");
        foreach (var port in endpoint?.Ports ?? [])
        {
            if (port.TargetPort is < 1 or > 65535)
                throw BerthException.Invalid($"invalid target port {port.TargetPort}");
            if (port.PublishMode is not "host")
                throw BerthException.NotImplemented(
                    "publishing ports through the routing mesh (mode=ingress) is not supported yet by this version of Berth; publish with mode=host, e.g. --publish mode=host,target=80,published=8080");
        }
        var duplicate = (endpoint?.Ports ?? []).Where(p => p.PublishedPort is > 0)
            .GroupBy(p => (p.PublishedPort, p.Protocol)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw BerthException.Invalid($"EndpointSpec: duplicate published ports provided");
    }

    private static void ValidateReferences(ContainerSpec container, ClusterState state)
    {
        foreach (var reference in container.Secrets ?? [])
        {
            if (reference.SecretID is not { } id || !state.Secrets.ContainsKey(id))
                throw BerthException.Invalid($"secret reference not found: {reference.SecretName ?? reference.SecretID}");
            if (reference.File is null)
                throw BerthException.Invalid($"malformed secret reference: {reference.SecretName}: a file target is required");
        }
        foreach (var reference in container.Configs ?? [])
        {
            if (reference.ConfigID is not { } id || !state.Configs.ContainsKey(id))
                throw BerthException.Invalid($"config reference not found: {reference.ConfigName ?? reference.ConfigID}");
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$")]
    private static partial Regex DnsLabel();
}
