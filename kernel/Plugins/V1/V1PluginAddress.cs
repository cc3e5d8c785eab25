namespace Berth.Kernel.Plugins.V1;

/// <summary>
/// Where a Docker v1 plugin listens: a unix socket path, or a <c>tcp://</c> / <c>http(s)://</c> URL from a spec file.
/// </summary>
/// <param name="Name">The plugin name (the socket or spec file name without its extension).</param>
/// <param name="Url">The address as Docker writes it: <c>unix:///run/docker/plugins/foo.sock</c>, <c>tcp://127.0.0.1:8080</c>.</param>
/// <param name="FoundAt">The socket or spec file the address came from, for messages.</param>
public sealed record V1PluginAddress(string Name, Uri Url, string FoundAt)
{
    public bool IsUnixSocket => Url.Scheme == "unix";

    /// <summary>The socket path of a <c>unix://</c> address.</summary>
    public string SocketPath => IsUnixSocket ? Uri.UnescapeDataString(Url.AbsolutePath) : throw new InvalidOperationException($"{Url} is not a unix socket address");

    public override string ToString() => Url.ToString();
}
