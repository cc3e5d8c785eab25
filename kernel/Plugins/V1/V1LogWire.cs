using Berth.Sdk.Logging;

namespace Berth.Kernel.Plugins.V1;

// The LogDriver protocol's JSON, field names as moby's daemon/logger/plugin.go and loginfo.go send them.

/// <summary>moby's <c>logger.Info</c>.</summary>
internal sealed record V1LogInfo(
    IReadOnlyDictionary<string, string> Config,
    string ContainerID,
    string ContainerName,
    string ContainerEntrypoint,
    IReadOnlyList<string> ContainerArgs,
    string ContainerImageID,
    string ContainerImageName,
    DateTimeOffset ContainerCreated,
    IReadOnlyList<string> ContainerEnv,
    IReadOnlyDictionary<string, string> ContainerLabels,
    string LogPath,
    string DaemonName)
{
    public static V1LogInfo From(LogInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return new V1LogInfo(info.Config, info.ContainerId, info.ContainerName, info.ContainerEntrypoint ?? "", info.ContainerArgs,
            info.ContainerImageId, info.ContainerImageName, info.ContainerCreated, info.ContainerEnv, info.ContainerLabels, info.LogPath, info.DaemonName);
    }
}

internal sealed record V1StartLogging(string File, V1LogInfo Info);

internal sealed record V1StopLogging(string File);

/// <summary>moby's <c>logger.ReadConfig</c>; Go's zero time (0001-01-01) stands for "no bound".</summary>
internal sealed record V1ReadConfig(DateTimeOffset Since, DateTimeOffset Until, int Tail, bool Follow)
{
    public static V1ReadConfig From(ReadConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new V1ReadConfig(config.Since ?? DateTimeOffset.MinValue, config.Until ?? DateTimeOffset.MinValue, config.Tail, config.Follow);
    }
}

internal sealed record V1ReadLogs(V1LogInfo Info, V1ReadConfig Config);

/// <summary><c>{"Cap":{"ReadLogs":true}}</c> as real plugins send it (the docs' top-level <c>ReadLogs</c> is read too).</summary>
internal sealed record V1LogCapabilitiesReply(V1LogCapabilities? Cap, bool ReadLogs);

internal sealed record V1LogCapabilities(bool ReadLogs);
