using System.Text.Json.Nodes;

namespace Berth.Kernel.Images.Import;

/// <summary>The container config object as Moby writes it into image configs: every field present, empty values.</summary>
public static class ContainerConfigs
{
    public static JsonObject Empty() => new()
    {
        ["Hostname"] = "", ["Domainname"] = "", ["User"] = "",
        ["AttachStdin"] = false, ["AttachStdout"] = false, ["AttachStderr"] = false,
        ["Tty"] = false, ["OpenStdin"] = false, ["StdinOnce"] = false,
        ["Env"] = null, ["Cmd"] = null, ["Image"] = "", ["Volumes"] = null, ["WorkingDir"] = "",
        ["Entrypoint"] = null, ["OnBuild"] = null, ["Labels"] = null,
    };
}
