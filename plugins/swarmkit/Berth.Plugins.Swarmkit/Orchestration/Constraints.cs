using System.Net;
using System.Text.RegularExpressions;
using Berth.Plugins.Swarmkit.Model;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Orchestration;

/// <summary>One placement constraint, <c>key==value</c> or <c>key!=value</c>.</summary>
public sealed record Constraint(string Key, bool Equal, string Value)
{
    /// <summary>Values compare case-insensitively (swarmkit's strings.EqualFold).</summary>
    internal bool Match(string? actual)
    {
        var same = string.Equals(Value, actual ?? "", StringComparison.OrdinalIgnoreCase);
        return Equal ? same : !same;
    }
}

/// <summary>
/// swarmkit's placement constraints (<c>manager/constraint/constraint.go</c>): <c>node.id</c>, <c>node.hostname</c>,
/// <c>node.ip</c>, <c>node.role</c>, <c>node.platform.os</c>, <c>node.platform.arch</c>, <c>node.labels.&lt;key&gt;</c>,
/// <c>engine.labels.&lt;key&gt;</c> with <c>==</c> or <c>!=</c>. Keys and values compare case-insensitively, except label
/// names, which are case-sensitive. An unknown key parses but matches no node, as in swarmkit.
/// </summary>
public static partial class Constraints
{
    public const string NodeLabelPrefix = "node.labels.";
    public const string EngineLabelPrefix = "engine.labels.";

    private static readonly string[] Operators = ["==", "!="];

    /// <summary>The control API's check at service create and update: throws swarmkit's message as an invalid parameter.</summary>
    public static void Validate(IEnumerable<string> constraints) => Parse(constraints);

    /// <summary>Parses every expression, throwing <see cref="BerthException"/> (invalid parameter) with swarmkit's message at the first bad one.</summary>
    public static IReadOnlyList<Constraint> Parse(IEnumerable<string>? constraints)
    {
        var parsed = new List<Constraint>();
        foreach (var expression in constraints ?? [])
        {
            var found = false;
            for (var i = 0; i < Operators.Length; i++)
            {
                var op = Operators[i];
                var at = expression.IndexOf(op, StringComparison.Ordinal);
                if (at < 0)
                    continue;
                var key = expression[..at].Trim();
                if (!KeyPattern().IsMatch(key))
                    throw BerthException.Invalid($"key '{key}' is invalid");
                var value = expression[(at + op.Length)..].Trim();
                if (!ValuePattern().IsMatch(value))
                    throw BerthException.Invalid($"value '{value}' is invalid");
                parsed.Add(new Constraint(key, i == 0, value));
                found = true;
                break;
            }
            if (!found)
                throw BerthException.Invalid($"constraint expected one operator from {string.Join(", ", Operators)}");
        }
        return parsed;
    }

    /// <summary>The scheduler's reading: constraints that do not parse are ignored (swarmkit's ConstraintFilter.SetTask).</summary>
    internal static IReadOnlyList<Constraint> ParseOrEmpty(IEnumerable<string>? constraints)
    {
        try
        {
            return Parse(constraints);
        }
        catch (BerthException)
        {
            return [];
        }
    }

    /// <summary>A task spec's placement constraints, parsed once per spec instance; unparseable ones are ignored.</summary>
    internal static IReadOnlyList<Constraint> Of(TaskSpec spec) => ParsedBySpec.GetValue(spec, s => ParseOrEmpty(s.Placement?.Constraints));

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TaskSpec, IReadOnlyList<Constraint>> ParsedBySpec = new();

    /// <summary>True when <paramref name="node"/> satisfies every constraint (swarmkit's NodeMatches).</summary>
    public static bool Matches(IReadOnlyList<Constraint> constraints, Node node)
    {
        foreach (var c in constraints)
        {
            if (!Matches(c, node))
                return false;
        }
        return true;
    }

    private static bool Matches(Constraint c, Node node)
    {
        var key = c.Key;
        if (key.Equals("node.id", StringComparison.OrdinalIgnoreCase))
            return c.Match(node.ID);
        if (key.Equals("node.hostname", StringComparison.OrdinalIgnoreCase))
            return c.Match(node.Description?.Hostname);
        if (key.Equals("node.ip", StringComparison.OrdinalIgnoreCase))
            return MatchesIp(c, node.Status.Addr);
        if (key.Equals("node.role", StringComparison.OrdinalIgnoreCase))
            return c.Match(node.Spec.Role);
        if (key.Equals("node.platform.os", StringComparison.OrdinalIgnoreCase))
            return c.Match(node.Description?.Platform.OS);
        if (key.Equals("node.platform.arch", StringComparison.OrdinalIgnoreCase))
            return c.Match(node.Description?.Platform.Architecture);
        if (key.Length > NodeLabelPrefix.Length && key.StartsWith(NodeLabelPrefix, StringComparison.OrdinalIgnoreCase))
            return c.Match(node.Spec.Labels?.GetValueOrDefault(key[NodeLabelPrefix.Length..]));
        if (key.Length > EngineLabelPrefix.Length && key.StartsWith(EngineLabelPrefix, StringComparison.OrdinalIgnoreCase))
            return c.Match(node.Description?.Engine.Labels?.GetValueOrDefault(key[EngineLabelPrefix.Length..]));
        return false;
    }

    // node.ip takes one address or a CIDR subnet; anything else matches no node.
    private static bool MatchesIp(Constraint c, string? addr)
    {
        IPAddress.TryParse(StripPort(addr), out var nodeIp);
        bool inside;
        if (IPAddress.TryParse(c.Value, out var ip))
            inside = nodeIp is not null && ip.Equals(nodeIp);
        else if (IPNetwork.TryParse(c.Value, out var subnet))
            inside = nodeIp is not null && subnet.Contains(nodeIp);
        else
            return false;
        return c.Equal ? inside : !inside;
    }

    private static string? StripPort(string? addr)
    {
        if (addr is null || IPAddress.TryParse(addr, out _))
            return addr;
        var colon = addr.LastIndexOf(':');
        return colon > 0 ? addr[..colon].Trim('[', ']') : addr;
    }

    /// <summary>Label value of a spread descriptor (<c>node.labels.X</c> / <c>engine.labels.X</c>); null when the descriptor is neither.</summary>
    internal static string? SpreadValue(string descriptor, Node node)
    {
        if (descriptor.Length > NodeLabelPrefix.Length && descriptor.StartsWith(NodeLabelPrefix, StringComparison.OrdinalIgnoreCase))
            return node.Spec.Labels?.GetValueOrDefault(descriptor[NodeLabelPrefix.Length..]) ?? "";
        if (descriptor.Length > EngineLabelPrefix.Length && descriptor.StartsWith(EngineLabelPrefix, StringComparison.OrdinalIgnoreCase))
            return node.Description?.Engine.Labels?.GetValueOrDefault(descriptor[EngineLabelPrefix.Length..]) ?? "";
        return null;
    }

    // Go's RE2 patterns from constraint.go; \z because .NET's $ also matches before a final newline.
    [GeneratedRegex(@"^[a-z_][a-z0-9\-_.]+\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"^[a-z0-9:\-_\t\n\f\r \.\*\(\)\?\+\[\]\\\^\$\|\/]+\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ValuePattern();
}
