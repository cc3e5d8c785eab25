using Berth.Sdk;

namespace Berth.Kernel.Networks;

/// <summary>The predefined networks and the built-in drivers the kernel serves itself (host and null need no plugin).</summary>
public static class NetworkNames
{
    public const string Bridge = "bridge";
    public const string Host = "host";
    public const string None = "none";
    public const string HostDriver = "host";
    public const string NullDriver = "null";

    /// <summary>Moby's rule for a network name: not empty, no slash or other character a path or a flag would trip on.</summary>
    public static void Validate(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw BerthException.Invalid("network name cannot be empty");
        if (name.Length > 255 || !char.IsAsciiLetterOrDigit(name[0]) || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')))
            throw BerthException.Invalid($"invalid name \"{name}\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
    }

    /// <summary>The drivers the kernel implements in-process.</summary>
    public static bool IsBuiltinDriver(string driver) => driver is HostDriver or NullDriver;
}
