using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Berth.Sdk;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>
/// <c>linux.devices</c> and the device cgroup rules (Moby's WithDevices): the default allow list plus
/// HostConfig.Devices and DeviceCgroupRules; privileged containers get every host device and "allow all".
/// </summary>
internal static partial class DeviceSpec
{
    [GeneratedRegex(@"^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$")]
    private static partial Regex CgroupRule();

    public sealed record Result(JsonArray Devices, JsonArray Rules, IReadOnlyList<string> Warnings);

    public static Result Build(JsonObject hostConfig, bool privileged)
    {
        var devices = new List<DeviceNode>();
        var rules = OciDefaults.DeviceRules();
        var warnings = new List<string>();
        var mappings = JsonRead.Objects(hostConfig, "Devices").ToList();
        if (privileged)
        {
            devices.AddRange(DeviceNode.HostDevices());
            foreach (var mapping in mappings)
            {
                var (onHost, inContainer, permissions) = Mapping(mapping);
                if (permissions != "rwm") warnings.Add($"custom {permissions} permissions for device {onHost} are ignored in privileged mode");
                if (onHost == inContainer) continue;
                devices.AddRange(FromPath(onHost, inContainer));
            }
            rules = [new JsonObject { ["allow"] = true, ["access"] = "rwm" }];
        }
        else
        {
            foreach (var mapping in mappings)
            {
                var (onHost, inContainer, permissions) = Mapping(mapping);
                foreach (var device in FromPath(onHost, inContainer))
                {
                    devices.Add(device);
                    rules.Add(device.AllowRule(permissions));
                }
            }
            foreach (var rule in JsonRead.Strings(hostConfig, "DeviceCgroupRules")) rules.Add(ParseCgroupRule(rule));
        }
        if (JsonRead.Objects(hostConfig, "DeviceRequests").FirstOrDefault() is { } request)
        {
            var capabilities = request["Capabilities"] is JsonArray caps
                ? "[" + string.Join(' ', caps.OfType<JsonArray>().Select(set => "[" + string.Join(' ', set.Select(c => c?.GetValue<string>())) + "]")) + "]"
                : "[]";
            throw BerthException.Invalid($"could not select device driver \"{JsonRead.String(request, "Driver")}\" with capabilities: {capabilities}");
        }
        return new Result(new JsonArray(devices.Select(d => (JsonNode)d.ToJson()).ToArray()), rules, warnings);
    }

    private static (string OnHost, string InContainer, string Permissions) Mapping(JsonObject mapping)
    {
        var onHost = JsonRead.String(mapping, "PathOnHost");
        var inContainer = JsonRead.String(mapping, "PathInContainer");
        var permissions = JsonRead.String(mapping, "CgroupPermissions");
        return (onHost, inContainer.Length == 0 ? onHost : inContainer, permissions.Length == 0 ? "rwm" : permissions);
    }

    /// <summary>
    /// Moby's DevicesFromPath: a device node (a symlink to one is followed), or every device under a directory.
    /// </summary>
    /// <exception cref="BerthException">Invalid: <c>error gathering device information while adding custom device "/dev/x": no such file or directory</c>.</exception>
    public static List<DeviceNode> FromPath(string onHost, string inContainer)
    {
        var resolved = onHost;
        var link = new FileInfo(onHost);
        if (link.LinkTarget is not null && link.ResolveLinkTarget(returnFinalTarget: true) is { } target) resolved = target.FullName;

        string error;
        try
        {
            if (DeviceNode.FromPath(resolved) is { } device) return [device with { Path = inContainer }];
            error = "not a device node";
        }
        catch (IOException e)
        {
            error = e.Message;
        }

        var devices = new List<DeviceNode>();
        if (error == "not a device node" && Directory.Exists(resolved))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(resolved, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                try
                {
                    if (DeviceNode.FromPath(entry) is { } child)
                        devices.Add(child with { Path = ReplaceFirst(entry, resolved, inContainer) });
                }
                catch (IOException)
                {
                }
            }
        }
        if (devices.Count > 0) return devices;
        throw BerthException.Invalid($"error gathering device information while adding custom device \"{onHost}\": {error}");
    }

    /// <summary>"c 1:3 rwm", "b *:* m" (Moby's AppendDevicePermissionsFromCgroupRules).</summary>
    /// <exception cref="BerthException">Invalid: <c>invalid device cgroup rule format: 'x'</c>.</exception>
    public static JsonObject ParseCgroupRule(string rule)
    {
        var match = CgroupRule().Match(rule);
        if (!match.Success) throw BerthException.Invalid($"invalid device cgroup rule format: '{rule}'");
        return OciDefaults.Rule(true, match.Groups[1].Value, Number(match.Groups[2].Value, "major", rule), Number(match.Groups[3].Value, "minor", rule), match.Groups[4].Value);
    }

    private static long Number(string text, string which, string rule)
    {
        if (text == "*") return -1;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw BerthException.Invalid($"invalid {which} value in device cgroup rule format: '{rule}'");
    }

    private static string ReplaceFirst(string text, string prefix, string replacement)
    {
        var at = text.IndexOf(prefix, StringComparison.Ordinal);
        return at < 0 ? text : string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + prefix.Length));
    }
}
