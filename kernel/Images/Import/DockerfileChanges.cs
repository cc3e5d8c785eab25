using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Sdk;

namespace Berth.Kernel.Images.Import;

/// <summary>
/// <c>docker import --change</c> / <c>docker commit --change</c>: the Dockerfile instructions that set image config
/// (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR) applied to a container config.
/// </summary>
public static class DockerfileChanges
{
    public static void Apply(JsonObject config, IEnumerable<string> changes)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var raw in changes)
        {
            var change = raw.Trim();
            if (change.Length == 0) continue;
            var space = change.IndexOfAny([' ', '\t']);
            var instruction = (space < 0 ? change : change[..space]).ToUpperInvariant();
            var rest = space < 0 ? "" : change[(space + 1)..].Trim();
            switch (instruction)
            {
                case "CMD": config["Cmd"] = CommandForm(rest, instruction); break;
                case "ENTRYPOINT": config["Entrypoint"] = CommandForm(rest, instruction); break;
                case "WORKDIR": config["WorkingDir"] = Required(rest, instruction); break;
                case "USER": config["User"] = Required(rest, instruction); break;
                case "STOPSIGNAL": config["StopSignal"] = Required(rest, instruction); break;
                case "ENV": Env(config, rest); break;
                case "LABEL": Labels(config, rest); break;
                case "EXPOSE": Expose(config, rest); break;
                case "VOLUME": Volumes(config, rest); break;
                case "ONBUILD": Append(config, "OnBuild", Required(rest, instruction)); break;
                default: throw BerthException.Invalid($"{instruction} is not a valid change command");
            }
        }
    }

    private static string Required(string value, string instruction) =>
        value.Length > 0 ? value : throw BerthException.Invalid($"{instruction} requires at least one argument");

    /// <summary>JSON array form as given; shell form becomes <c>["/bin/sh","-c","…"]</c>.</summary>
    private static JsonArray CommandForm(string rest, string instruction)
    {
        Required(rest, instruction);
        if (rest.StartsWith('['))
        {
            try
            {
                var parsed = JsonSerializer.Deserialize<string[]>(rest);
                if (parsed is not null) return new JsonArray([.. parsed.Select(p => (JsonNode?)JsonValue.Create(p))]);
            }
            catch (JsonException)
            {
                // not valid JSON: Docker treats it as shell form
            }
        }
        return new JsonArray("/bin/sh", "-c", rest);
    }

    private static void Env(JsonObject config, string rest)
    {
        foreach (var (key, value) in Pairs(Required(rest, "ENV"), "ENV"))
        {
            var env = config["Env"] as JsonArray ?? [];
            config["Env"] = env;
            var existing = env.Select((e, i) => (Text: e?.GetValue<string>() ?? "", i)).FirstOrDefault(e => e.Text.Split('=', 2)[0] == key);
            if (existing.Text is { Length: > 0 }) env[existing.i] = $"{key}={value}";
            else env.Add($"{key}={value}");
        }
    }

    private static void Labels(JsonObject config, string rest)
    {
        var labels = config["Labels"] as JsonObject ?? [];
        config["Labels"] = labels;
        foreach (var (key, value) in Pairs(Required(rest, "LABEL"), "LABEL")) labels[key] = value;
    }

    private static void Expose(JsonObject config, string rest)
    {
        var ports = config["ExposedPorts"] as JsonObject ?? [];
        config["ExposedPorts"] = ports;
        foreach (var port in Required(rest, "EXPOSE").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            ports[port.Contains('/', StringComparison.Ordinal) ? port : port + "/tcp"] = new JsonObject();
    }

    private static void Volumes(JsonObject config, string rest)
    {
        var volumes = config["Volumes"] as JsonObject ?? [];
        config["Volumes"] = volumes;
        var paths = rest.StartsWith('[') ? JsonSerializer.Deserialize<string[]>(rest) ?? [] : Required(rest, "VOLUME").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var path in paths) volumes[path] = new JsonObject();
    }

    private static void Append(JsonObject config, string field, string value)
    {
        var list = config[field] as JsonArray ?? [];
        config[field] = list;
        list.Add(value);
    }

    /// <summary><c>k=v k2="v 2"</c>, or the legacy <c>k v with spaces</c>.</summary>
    private static List<(string Key, string Value)> Pairs(string rest, string instruction)
    {
        var pairs = new List<(string, string)>();
        var first = rest.IndexOfAny(['=', ' ', '\t']);
        if (first < 0 || rest[first] != '=')
        {
            if (first < 0) throw BerthException.Invalid($"{instruction} must have two arguments");
            pairs.Add((rest[..first], rest[(first + 1)..].Trim()));
            return pairs;
        }
        foreach (var word in Words(rest))
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw BerthException.Invalid($"{instruction} names can not be blank and need a value: {word}");
            pairs.Add((word[..eq], word[(eq + 1)..]));
        }
        return pairs;
    }

    private static IEnumerable<string> Words(string text)
    {
        var current = new global::System.Text.StringBuilder();
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is null && char.IsWhiteSpace(c))
            {
                if (current.Length > 0) yield return current.ToString();
                current.Clear();
            }
            else if (c == '\\' && i + 1 < text.Length) current.Append(text[++i]);
            else if (quote is null && c is '"' or '\'') quote = c;
            else if (c == quote) quote = null;
            else current.Append(c);
        }
        if (current.Length > 0) yield return current.ToString();
    }
}
