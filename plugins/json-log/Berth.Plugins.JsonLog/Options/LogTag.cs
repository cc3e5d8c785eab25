using System.Text;
using Berth.Sdk;
using Berth.Sdk.Logging;

namespace Berth.Plugins.JsonLog.Options;

/// <summary>
/// Docker's log tag template (loggerutils.ParseLogTag over logger.Info), for the actions a tag uses in practice:
/// <c>{{.Field}}</c> with the Info fields and methods (ID, FullID, Name, ImageID, ImageFullID, ImageName, DaemonName,
/// Command, Hostname, ContainerID, …) and the <c>{{-</c>/<c>-}}</c> trim markers. json-file has no default tag.
/// </summary>
internal static class LogTag
{
    public static string Render(LogInfo info)
    {
        if (!info.Config.TryGetValue("tag", out var template) || template.Length == 0) return "";
        var output = new StringBuilder();
        var rest = template.AsSpan();
        while (true)
        {
            var open = rest.IndexOf("{{", StringComparison.Ordinal);
            if (open < 0)
            {
                output.Append(rest);
                return output.ToString();
            }
            var close = rest[open..].IndexOf("}}", StringComparison.Ordinal);
            if (close < 0) throw BerthException.Invalid($"template: log-tag: unclosed action in '{template}'");
            var action = rest.Slice(open + 2, close - 2);
            var text = rest[..open];
            if (action.Length >= 2 && action[0] == '-' && char.IsWhiteSpace(action[1]))
            {
                text = text.TrimEnd();
                action = action[1..];
            }
            var trimAfter = action.Length >= 2 && action[^1] == '-' && char.IsWhiteSpace(action[^2]);
            if (trimAfter) action = action[..^1];
            output.Append(text);
            output.Append(Evaluate(action.Trim().ToString(), info, template));
            rest = rest[(open + close + 2)..];
            if (trimAfter) rest = rest.TrimStart();
        }
    }

    private static string Evaluate(string action, LogInfo info, string template)
    {
        if (action.StartsWith("/*", StringComparison.Ordinal) && action.EndsWith("*/", StringComparison.Ordinal)) return "";
        if (action.Length < 2 || action[0] != '.' || !action.Skip(1).All(char.IsAsciiLetterOrDigit))
            throw BerthException.Invalid($"log tag template '{template}': only {{{{.Field}}}} actions are supported, not '{{{{{action}}}}}'");
        return action[1..] switch
        {
            "ID" => Short(info.ContainerId),
            "FullID" or "ContainerID" => info.ContainerId,
            "Name" => info.ContainerName.StartsWith('/') ? info.ContainerName[1..] : info.ContainerName,
            "ContainerName" => info.ContainerName,
            "ImageID" => Short(info.ContainerImageId),
            "ImageFullID" or "ContainerImageID" => info.ContainerImageId,
            "ImageName" or "ContainerImageName" => info.ContainerImageName,
            "DaemonName" => info.DaemonName,
            "Command" => string.Join(' ', info.ContainerArgs.Prepend(info.ContainerEntrypoint ?? "")),
            "ContainerEntrypoint" => info.ContainerEntrypoint ?? "",
            "Hostname" => System.Net.Dns.GetHostName(),
            "LogPath" => info.LogPath,
            var field => throw BerthException.Invalid(
                $"template: log-tag:1:2: executing \"log-tag\" at <{action}>: can't evaluate field {field} in type *logger.Info"),
        };
    }

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;
}
