using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Berth.Sdk;

namespace Berth.Kernel.Volumes;

/// <summary>Moby's local volume names: <c>[a-zA-Z0-9][a-zA-Z0-9_.-]+</c> (the name is a folder under <c>volumes/</c>); anonymous ones are 64 hex digits.</summary>
public static partial class VolumeNames
{
    public const string LocalDriver = "local";

    /// <summary>The label Docker ≥ 23 puts on volumes created without a name.</summary>
    public const string AnonymousLabel = "com.docker.volume.anonymous";

    private const string RestrictedNameChars = "[a-zA-Z0-9][a-zA-Z0-9_.-]";

    public static bool IsValid(string name) => ValidName().IsMatch(name);

    /// <exception cref="BerthException">Invalid parameter, with moby's wording (the caller prefixes <c>create &lt;name&gt;: </c>).</exception>
    public static void Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 1)
            throw BerthException.Invalid("volume name is too short, names should be at least two alphanumeric characters");
        if (!IsValid(name))
            throw BerthException.Invalid($"\"{name}\" includes invalid characters for a local volume name, only \"{RestrictedNameChars}\" are allowed. If you intended to pass a host directory, use absolute path");
    }

    /// <summary>A random 64-hex-digit name, as moby's stringid.GenerateRandomID.</summary>
    public static string NewAnonymousName() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    [GeneratedRegex(@"^[a-zA-Z0-9][a-zA-Z0-9_.-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}
