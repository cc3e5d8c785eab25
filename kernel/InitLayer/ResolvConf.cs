using System.Net;

namespace Berth.Kernel.InitLayer;

/// <summary>
/// A resolv.conf read from the host, changed for a container (overrides, network transforms) and written back with
/// the comments Docker Engine adds — moby's libnetwork/internal/resolvconf, in behaviour.
/// </summary>
public sealed partial class ResolvConf
{
    private readonly List<IPAddress> nameServers = [];
    private readonly List<string> invalidNameServers = [];
    private readonly List<string> other = [];
    private readonly List<string> warnings = [];
    private readonly List<ExternalNameserver> externalNameServers = [];
    private List<string> search = [];
    private List<string> options = [];
    private bool nameServersOverridden;
    private bool searchOverridden;
    private bool optionsOverridden;
    private string? ndotsFrom;
    private string? transform;

    private ResolvConf(string sourcePath) => SourcePath = sourcePath;

    /// <summary>The file this was read from ("" when there was none).</summary>
    public string SourcePath { get; }

    /// <summary>Verbatim lines written at the top (comments), before a blank line.</summary>
    public string Header { get; set; } = "";

    public IReadOnlyList<IPAddress> NameServers => nameServers;

    public IReadOnlyList<string> Search => search;

    public IReadOnlyList<string> Options => options;

    /// <summary>
    /// Parses resolv.conf text: blank lines and comments (<c>#</c> or <c>;</c> in the first column) dropped;
    /// <c>nameserver</c> (unparsable ones remembered for a comment), <c>search</c>/<c>domain</c> (the last one wins),
    /// <c>options</c> (accumulated); other lines kept verbatim.
    /// </summary>
    public static ResolvConf Parse(string content, string sourcePath = "")
    {
        ArgumentNullException.ThrowIfNull(content);
        var conf = new ResolvConf(sourcePath);
        foreach (var line in content.Split('\n')) conf.ProcessLine(line.EndsWith('\r') ? line[..^1] : line);
        if (conf.Option("ndots") is not null) conf.ndotsFrom = "host";
        return conf;
    }

    /// <summary>Reads the file at <paramref name="path"/>; a missing file gives an empty configuration with no source.</summary>
    public static async Task<ResolvConf> LoadAsync(string path, CancellationToken cancellationToken)
    {
        string content;
        try
        {
            content = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new ResolvConf("");
        }
        return Parse(content, path);
    }

    /// <summary>The value of the last option named <paramref name="name"/> ("" for a flag such as edns0), or null.</summary>
    public string? Option(string name)
    {
        for (var i = options.Count - 1; i >= 0; i--)
        {
            var colon = options[i].IndexOf(':', StringComparison.Ordinal);
            var key = colon < 0 ? options[i] : options[i][..colon];
            if (key == name) return colon < 0 ? "" : options[i][(colon + 1)..];
        }
        return null;
    }

    public void OverrideNameServers(IEnumerable<IPAddress> servers)
    {
        nameServers.Clear();
        nameServers.AddRange(servers);
        nameServersOverridden = true;
    }

    /// <summary>Replaces the search domains; "." (no search domain) entries are dropped.</summary>
    public void OverrideSearch(IEnumerable<string> domains)
    {
        search = [.. domains.Where(domain => domain != ".")];
        searchOverridden = true;
    }

    public void OverrideOptions(IEnumerable<string> values)
    {
        options = [.. values];
        ndotsFrom = Option("ndots") is null ? null : "override";
        optionsOverridden = true;
    }

    public void AddOption(string option)
    {
        if (option.Length > 6 && option.StartsWith("ndots:", StringComparison.Ordinal)) ndotsFrom = "internal";
        options.Add(option);
    }

    private void ProcessLine(string line)
    {
        if (line.Length == 0 || line[0] is '#' or ';') return;
        var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0) return;
        switch (fields[0])
        {
            case "nameserver":
                if (fields.Length < 2) return;
                if (IpText.TryParse(fields[1], out var address)) nameServers.Add(address);
                else invalidNameServers.Add(fields[1]);
                break;
            case "domain":
            case "search":
                if (fields.Length < 2) return;
                search = [.. fields[1..]];
                break;
            case "options":
                if (fields.Length < 2) return;
                options.AddRange(fields[1..]);
                break;
            default:
                other.Add(line);
                break;
        }
    }
}
