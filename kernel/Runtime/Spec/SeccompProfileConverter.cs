using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Sdk;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>
/// Turns a seccomp profile in Docker's format (archMap, syscalls with includes/excludes) into the OCI
/// <c>linux.seccomp</c> object for one container, as moby/profiles/seccomp setupSeccomp does: filters are evaluated
/// now, against the container's bounding capabilities, this machine's architecture and the running kernel.
/// </summary>
public static class SeccompProfileConverter
{
    private static readonly Dictionary<string, string> NativeToSeccomp = new(StringComparer.Ordinal)
    {
        ["x86"] = "SCMP_ARCH_X86", ["amd64"] = "SCMP_ARCH_X86_64", ["arm"] = "SCMP_ARCH_ARM", ["arm64"] = "SCMP_ARCH_AARCH64",
        ["mips64"] = "SCMP_ARCH_MIPS64", ["mips64n32"] = "SCMP_ARCH_MIPS64N32", ["mipsel64"] = "SCMP_ARCH_MIPSEL64",
        ["mips3l64n32"] = "SCMP_ARCH_MIPSEL64N32", ["mipsle"] = "SCMP_ARCH_MIPSEL", ["ppc"] = "SCMP_ARCH_PPC",
        ["ppc64"] = "SCMP_ARCH_PPC64", ["ppc64le"] = "SCMP_ARCH_PPC64LE", ["riscv64"] = "SCMP_ARCH_RISCV64",
        ["s390"] = "SCMP_ARCH_S390", ["s390x"] = "SCMP_ARCH_S390X",
    };

    /// <summary>This process's architecture in libseccomp's native naming ("amd64", "arm64"…), as the profile's "arches" use.</summary>
    public static string NativeArchitecture => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.X86 => "x86",
        Architecture.Arm => "arm",
        Architecture.Arm64 => "arm64",
        Architecture.Ppc64le => "ppc64le",
        Architecture.S390x => "s390x",
        Architecture.RiscV64 => "riscv64",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>Docker's default profile for a container with these bounding capabilities.</summary>
    public static JsonObject DefaultProfile(IReadOnlyList<string> bounding, Version kernel, string? architecture = null) =>
        Convert(SeccompDefaultProfile.Json, bounding, kernel, architecture)!;

    /// <summary>Converts a profile (<c>--security-opt seccomp=&lt;json&gt;</c>); null when it disables seccomp (no default action, no syscalls).</summary>
    /// <exception cref="BerthException">Invalid: the profile does not decode or contradicts itself.</exception>
    public static JsonObject? Convert(string profileJson, IReadOnlyList<string> bounding, Version kernel, string? architecture = null)
    {
        ArgumentNullException.ThrowIfNull(profileJson);
        ArgumentNullException.ThrowIfNull(bounding);
        ArgumentNullException.ThrowIfNull(kernel);
        var arch = architecture ?? NativeArchitecture;
        JsonObject profile;
        try
        {
            profile = JsonNode.Parse(profileJson) as JsonObject ?? throw new JsonException("the profile is not a JSON object");
        }
        catch (JsonException e)
        {
            throw BerthException.Invalid($"Decoding seccomp profile failed: {e.Message}");
        }

        try
        {
            return Convert(profile, bounding, kernel, arch);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException)
        {
            throw BerthException.Invalid($"Decoding seccomp profile failed: {e.Message}");
        }
    }

    private static JsonObject? Convert(JsonObject profile, IReadOnlyList<string> bounding, Version kernel, string arch)
    {
        var defaultAction = Text(profile, "defaultAction");
        var syscalls = profile["syscalls"] as JsonArray ?? [];
        if (defaultAction.Length == 0 && syscalls.Count == 0) return null;

        var architectures = Texts(profile, "architectures");
        var archMap = profile["archMap"] as JsonArray ?? [];
        if (architectures.Count > 0 && archMap.Count > 0)
            throw BerthException.Invalid("both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'");

        var result = new JsonObject { ["defaultAction"] = defaultAction };
        if (profile["defaultErrnoRet"] is JsonValue errno) result["defaultErrnoRet"] = errno.DeepClone();
        var outArchitectures = new List<string>(architectures);
        if (NativeToSeccomp.TryGetValue(arch, out var seccompArch))
        {
            foreach (var entry in archMap.OfType<JsonObject>())
            {
                if (Text(entry, "architecture") != seccompArch) continue;
                outArchitectures.Add(seccompArch);
                outArchitectures.AddRange(Texts(entry, "subArchitectures"));
                break;
            }
        }
        if (outArchitectures.Count > 0) result["architectures"] = Array(outArchitectures);
        var flags = Texts(profile, "flags");
        if (flags.Count > 0) result["flags"] = Array(flags);
        if (Text(profile, "listenerPath") is { Length: > 0 } listener) result["listenerPath"] = listener;
        if (Text(profile, "listenerMetadata") is { Length: > 0 } metadata) result["listenerMetadata"] = metadata;

        var rules = new JsonArray();
        foreach (var call in syscalls.OfType<JsonObject>())
        {
            var name = Text(call, "name");
            var names = Texts(call, "names");
            if (name.Length > 0)
            {
                if (names.Count > 0)
                    throw BerthException.Invalid("both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'");
                names = [name];
            }
            if (!Applies(call, bounding, kernel, arch)) continue;
            var rule = new JsonObject { ["names"] = Array(names), ["action"] = Text(call, "action") };
            if (call["errnoRet"] is JsonValue ret) rule["errnoRet"] = ret.DeepClone();
            if (call["args"] is JsonArray args && args.Count > 0) rule["args"] = new JsonArray(args.OfType<JsonObject>().Select(Argument).ToArray());
            rules.Add(rule);
        }
        if (rules.Count > 0) result["syscalls"] = rules;
        return result;
    }

    /// <summary>excludes: skip when any listed arch/cap matches or the kernel is at least minKernel; includes: the opposite.</summary>
    private static bool Applies(JsonObject call, IReadOnlyList<string> bounding, Version kernel, string arch)
    {
        if (call["excludes"] is JsonObject excludes)
        {
            if (Texts(excludes, "arches").Contains(arch)) return false;
            if (Texts(excludes, "caps").Any(bounding.Contains)) return false;
            if (MinKernel(excludes) is { } min && kernel >= min) return false;
        }
        if (call["includes"] is JsonObject includes)
        {
            var arches = Texts(includes, "arches");
            if (arches.Count > 0 && !arches.Contains(arch)) return false;
            if (!Texts(includes, "caps").All(bounding.Contains)) return false;
            if (MinKernel(includes) is { } min && kernel < min) return false;
        }
        return true;
    }

    /// <summary>"&lt;kernel&gt;.&lt;major&gt;" (moby seccomp.KernelVersion); "" means none.</summary>
    private static Version? MinKernel(JsonObject filter)
    {
        var text = Text(filter, "minKernel");
        if (text.Length == 0) return null;
        var parts = text.Split('.', 3);
        if (parts.Length != 2 || !byte.TryParse(parts[0], out var major) || !byte.TryParse(parts[1], out var minor))
            throw BerthException.Invalid($"Decoding seccomp profile failed: invalid kernel version: \"{text}\", expected \"<kernel>.<major>\"");
        if (major == 0 && minor == 0)
            throw BerthException.Invalid($"Decoding seccomp profile failed: invalid kernel version: \"{text}\", expected \"<kernel>.<major>\": version cannot be 0.0");
        return new Version(major, minor);
    }

    private static JsonObject Argument(JsonObject arg)
    {
        var result = new JsonObject
        {
            ["index"] = arg["index"]?.DeepClone() ?? 0,
            ["value"] = arg["value"]?.DeepClone() ?? 0,
        };
        if (arg["valueTwo"] is JsonValue two && two.ToJsonString() != "0") result["valueTwo"] = two.DeepClone();
        result["op"] = Text(arg, "op");
        return result;
    }

    private static string Text(JsonObject json, string key) => json[key] switch
    {
        null => "",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        var other => throw new JsonException($"json: cannot unmarshal {other.GetValueKind().ToString().ToLowerInvariant()} into field {key} of type string"),
    };

    private static List<string> Texts(JsonObject json, string key) => json[key] switch
    {
        null => [],
        JsonArray array => array.Select(item => item is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw new JsonException($"json: cannot unmarshal {item?.GetValueKind().ToString().ToLowerInvariant() ?? "null"} into field {key} of type string")).ToList(),
        var other => throw new JsonException($"json: cannot unmarshal {other.GetValueKind().ToString().ToLowerInvariant()} into field {key} of type []string"),
    };

    private static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());
}
