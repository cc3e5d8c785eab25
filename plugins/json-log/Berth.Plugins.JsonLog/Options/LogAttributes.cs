using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using Berth.Plugins.JsonLog.Format;
using Berth.Sdk;
using Berth.Sdk.Logging;

namespace Berth.Plugins.JsonLog.Options;

/// <summary>
/// The <c>attrs</c> object of each line: moby's Info.ExtraAttributes (labels, labels-regex, env, env-regex) plus
/// <c>tag</c> when the tag option is given, marshalled as Go's json.Marshal does a map (keys sorted bytewise).
/// </summary>
internal static class LogAttributes
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    public static ReadOnlyMemory<byte> Build(LogInfo info)
    {
        var attributes = Extra(info);
        var tag = LogTag.Render(info);
        if (tag.Length > 0) attributes["tag"] = tag;
        return attributes.Count == 0 ? ReadOnlyMemory<byte>.Empty : Marshal(attributes);
    }

    private static Dictionary<string, string> Extra(LogInfo info)
    {
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        var config = info.Config;
        if (config.TryGetValue("labels", out var labels) && labels.Length > 0)
        {
            foreach (var name in labels.Split(','))
            {
                if (info.ContainerLabels.TryGetValue(name, out var value)) extra[name] = value;
            }
        }
        if (config.TryGetValue("labels-regex", out var labelsRegex) && labelsRegex.Length > 0)
        {
            var regex = Compile(labelsRegex);
            foreach (var (name, value) in info.ContainerLabels)
            {
                if (regex.IsMatch(name)) extra[name] = value;
            }
        }
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in info.ContainerEnv)
        {
            var equals = variable.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0) env[variable[..equals]] = variable[(equals + 1)..];
        }
        if (config.TryGetValue("env", out var names) && names.Length > 0)
        {
            foreach (var name in names.Split(','))
            {
                if (env.TryGetValue(name, out var value)) extra[name] = value;
            }
        }
        if (config.TryGetValue("env-regex", out var envRegex) && envRegex.Length > 0)
        {
            var regex = Compile(envRegex);
            foreach (var (name, value) in env)
            {
                if (regex.IsMatch(name)) extra[name] = value;
            }
        }
        return extra;
    }

    private static Regex Compile(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (ArgumentException ex)
        {
            throw BerthException.Invalid($"error parsing regexp: {ex.Message}");
        }
    }

    private static byte[] Marshal(Dictionary<string, string> attributes)
    {
        var keys = attributes.Keys.Select(k => (Key: k, Bytes: Encoding.UTF8.GetBytes(k))).ToList();
        keys.Sort((a, b) => a.Bytes.AsSpan().SequenceCompareTo(b.Bytes));
        var json = new ArrayBufferWriter<byte>();
        json.Write("{"u8);
        for (var i = 0; i < keys.Count; i++)
        {
            if (i > 0) json.Write(","u8);
            JsonString.Write(json, keys[i].Key);
            json.Write(":"u8);
            JsonString.Write(json, attributes[keys[i].Key]);
        }
        json.Write("}"u8);
        return json.WrittenSpan.ToArray();
    }
}
