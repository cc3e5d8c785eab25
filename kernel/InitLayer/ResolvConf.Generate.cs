using System.Text;

namespace Berth.Kernel.InitLayer;

public sealed partial class ResolvConf
{
    /// <summary>The file's text: header, directives, then (with <paramref name="comments"/>) how it was made, as Docker Engine writes it.</summary>
    public string Generate(bool comments = true)
    {
        var text = new StringBuilder(512);
        if (comments && Header.Length > 0) text.Append(Header).Append("\n\n");
        foreach (var server in nameServers) text.Append("nameserver ").Append(server).Append('\n');
        if (search.Count > 0) text.Append("search ").AppendJoin(' ', search).Append('\n');
        if (options.Count > 0) text.Append("options ").AppendJoin(' ', options).Append('\n');
        foreach (var line in other) text.Append(line).Append('\n');
        if (comments) AppendComments(text);
        return text.ToString();
    }

    private void AppendComments(StringBuilder text)
    {
        text.Append('\n').Append("# Based on host file: '").Append(SourcePath).Append('\'');
        if (transform is not null) text.Append(" (").Append(transform).Append(')');
        text.Append('\n');
        foreach (var warning in warnings) text.Append("# ").Append(warning).Append('\n');
        if (externalNameServers.Count > 0) text.Append("# ExtServers: [").AppendJoin(' ', externalNameServers).Append("]\n");
        if (invalidNameServers.Count > 0) text.Append("# Invalid nameservers: [").AppendJoin(' ', invalidNameServers).Append("]\n");
        var overrides = new List<string>(3);
        if (nameServersOverridden) overrides.Add("nameservers");
        if (searchOverridden) overrides.Add("search");
        if (optionsOverridden) overrides.Add("options");
        text.Append("# Overrides: [").AppendJoin(' ', overrides).Append("]\n");
        if (ndotsFrom is not null) text.Append("# Option ndots from: ").Append(ndotsFrom).Append('\n');
    }
}
