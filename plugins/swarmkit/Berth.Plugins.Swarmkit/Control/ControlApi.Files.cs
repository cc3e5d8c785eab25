using System.Text.Json;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Control;

/// <summary>Secrets and configs: small named payloads, immutable apart from their labels.</summary>
public sealed partial class ControlApi
{
    private const int MaxPayload = 500 * 1024;

    private async Task<JsonElement> CreateSecretAsync(JsonElement body, CancellationToken cancellationToken)
    {
        var spec = ValidFileSpec(body, "secret");
        if (State.Secrets.Values.Any(s => string.Equals(s.Spec.Name, spec.Name, StringComparison.OrdinalIgnoreCase)))
            throw BerthException.Conflict($"secret {spec.Name} already exists");
        var secret = new Secret { ID = ObjectIds.New(), Spec = spec with { Data = sealer.Seal(Convert.FromBase64String(spec.Data!)) } };
        await proposer.ProposeAsync([StoreOp.Create(secret)], cancellationToken).ConfigureAwait(false);
        return IdAnswer(secret.ID);
    }

    private async Task<JsonElement> CreateConfigAsync(JsonElement body, CancellationToken cancellationToken)
    {
        var spec = ValidFileSpec(body, "config");
        if (State.Configs.Values.Any(c => string.Equals(c.Spec.Name, spec.Name, StringComparison.OrdinalIgnoreCase)))
            throw BerthException.Conflict($"config {spec.Name} already exists");
        var config = new Config { ID = ObjectIds.New(), Spec = spec };
        await proposer.ProposeAsync([StoreOp.Create(config)], cancellationToken).ConfigureAwait(false);
        return IdAnswer(config.ID);
    }

    private async Task<JsonElement> UpdateSecretAsync(string idOrName, long version, JsonElement body, CancellationToken cancellationToken)
    {
        var current = ObjectLookup.Resolve<Secret>(State, ObjectKind.Secret, idOrName);
        var spec = LabelsOnly(current.Spec, body, "secret");
        await proposer.ProposeAsync([Versioned(current with { Spec = spec }, version)], cancellationToken).ConfigureAwait(false);
        return SwarmJson.ToElement(new Dictionary<string, object?>());
    }

    private async Task<JsonElement> UpdateConfigAsync(string idOrName, long version, JsonElement body, CancellationToken cancellationToken)
    {
        var current = ObjectLookup.Resolve<Config>(State, ObjectKind.Config, idOrName);
        var spec = LabelsOnly(current.Spec, body, "config");
        await proposer.ProposeAsync([Versioned(current with { Spec = spec }, version)], cancellationToken).ConfigureAwait(false);
        return SwarmJson.ToElement(new Dictionary<string, object?>());
    }

    private async Task RemoveSecretAsync(string idOrName, CancellationToken cancellationToken)
    {
        var secret = ObjectLookup.Resolve<Secret>(State, ObjectKind.Secret, idOrName);
        var users = ServicesUsing(s => s.Spec.TaskTemplate.ContainerSpec?.Secrets?.Any(r => r.SecretID == secret.ID) == true);
        if (users.Count > 0)
            throw BerthException.Invalid($"secret '{secret.Spec.Name}' is in use by the following service{(users.Count > 1 ? "s" : "")}: {string.Join(", ", users)}");
        await proposer.ProposeAsync([StoreOp.Delete(ObjectKind.Secret, secret.ID)], cancellationToken).ConfigureAwait(false);
    }

    private async Task RemoveConfigAsync(string idOrName, CancellationToken cancellationToken)
    {
        var config = ObjectLookup.Resolve<Config>(State, ObjectKind.Config, idOrName);
        var users = ServicesUsing(s => s.Spec.TaskTemplate.ContainerSpec?.Configs?.Any(r => r.ConfigID == config.ID) == true);
        if (users.Count > 0)
            throw BerthException.Invalid($"config '{config.Spec.Name}' is in use by the following service{(users.Count > 1 ? "s" : "")}: {string.Join(", ", users)}");
        await proposer.ProposeAsync([StoreOp.Delete(ObjectKind.Config, config.ID)], cancellationToken).ConfigureAwait(false);
    }

    private List<string> ServicesUsing(Func<Service, bool> uses) =>
        State.Services.Values.Where(uses).Select(s => s.Spec.Name).Order(StringComparer.Ordinal).ToList();

    private static FileSpec ValidFileSpec(JsonElement body, string noun)
    {
        var spec = SwarmJson.From<FileSpec>(body);
        if (string.IsNullOrEmpty(spec.Name))
            throw BerthException.Invalid($"meta: name must be provided");
        if (spec.Extra?.ContainsKey("Driver") == true && spec.Extra["Driver"].ValueKind == JsonValueKind.Object)
            throw BerthException.NotImplemented($"{noun} drivers are not supported by this version of Berth");
        byte[] data;
        try
        {
            data = Convert.FromBase64String(spec.Data ?? "");
        }
        catch (FormatException)
        {
            throw BerthException.Invalid($"{noun} data must be base64 encoded");
        }
        if (data.Length is 0 or > MaxPayload)
            throw BerthException.Invalid($"{noun} data must be larger than 0 and less than {MaxPayload} bytes");
        return spec;
    }

    private static FileSpec LabelsOnly(FileSpec current, JsonElement body, string noun)
    {
        var spec = SwarmJson.From<FileSpec>(body);
        if (spec.Name != current.Name || (spec.Data is { Length: > 0 } && spec.Data != current.Data))
            throw BerthException.Invalid($"only updates to Labels are allowed");
        return current with { Labels = spec.Labels };
    }
}
