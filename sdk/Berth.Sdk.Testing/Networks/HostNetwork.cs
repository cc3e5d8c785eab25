using System.Diagnostics;

namespace Berth.Sdk.Testing;

/// <summary>
/// What the network kit does on the host, with iproute2's <c>ip</c> as an administrator would: list links, make and
/// remove a network namespace (the sandbox berthd would make for a container), and move an interface into it as berthd
/// does after Join.
/// </summary>
public static class HostNetwork
{
    /// <summary>The names of the links in the host's network namespace.</summary>
    public static async Task<IReadOnlySet<string>> LinkNamesAsync(CancellationToken cancellationToken)
    {
        var output = await RunAsync(cancellationToken, "-o", "link", "show").ConfigureAwait(false);
        // "7: veth1a2b@if6: <BROADCAST,...>": the name ends at '@' (a peer follows) or ':'.
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 3)[1].Trim())
            .Select(name => name.Split('@')[0])
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>A new named namespace (<c>/run/netns/&lt;name&gt;</c>, the path a driver's Join gets as SandboxKey).</summary>
    public static async Task<string> CreateNamespaceAsync(string name, CancellationToken cancellationToken)
    {
        await RunAsync(cancellationToken, "netns", "add", name).ConfigureAwait(false);
        return Path.Combine("/run/netns", name);
    }

    /// <summary>Deletes the namespace and with it every interface inside; missing is fine.</summary>
    public static async Task DeleteNamespaceAsync(string name)
    {
        if (File.Exists(Path.Combine("/run/netns", name))) await RunAsync(CancellationToken.None, "netns", "delete", name).ConfigureAwait(false);
    }

    /// <summary>What berthd does with the interface Join names: moves it into the sandbox under a new name.</summary>
    public static async Task MoveIntoAsync(string link, string namespaceName, string newName, CancellationToken cancellationToken)
    {
        await RunAsync(cancellationToken, "link", "set", link, "netns", namespaceName).ConfigureAwait(false);
        await RunAsync(cancellationToken, "-n", namespaceName, "link", "set", link, "name", newName).ConfigureAwait(false);
    }

    /// <summary>The names of the links inside a named namespace.</summary>
    public static async Task<IReadOnlySet<string>> LinkNamesInAsync(string namespaceName, CancellationToken cancellationToken)
    {
        var output = await RunAsync(cancellationToken, "-n", namespaceName, "-o", "link", "show").ConfigureAwait(false);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 3)[1].Trim().Split('@')[0])
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Removes a host link the driver left behind; missing is fine.</summary>
    public static async Task DeleteLinkAsync(string name)
    {
        if ((await LinkNamesAsync(CancellationToken.None).ConfigureAwait(false)).Contains(name))
            await RunAsync(CancellationToken.None, "link", "delete", name).ConfigureAwait(false);
    }

    private static async Task<string> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start ip");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0) throw new InvalidOperationException($"ip {string.Join(' ', args)}: {(await stderr.ConfigureAwait(false)).Trim()}");
        return await stdout.ConfigureAwait(false);
    }
}
