using System.Text.RegularExpressions;
using Berth.Sdk;

namespace Berth.Kernel.Names;

/// <summary>Moby's container name rule (daemon/names): <c>^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$</c>, and the Docker form with a leading "/".</summary>
internal static partial class ContainerNameRules
{
    public const string RestrictedNameChars = "[a-zA-Z0-9][a-zA-Z0-9_.-]";

    /// <summary>The Docker form of a name: one leading "/" added when missing.</summary>
    public static string Canonical(string name) => name.StartsWith('/') ? name : "/" + name;

    /// <exception cref="BerthException">Invalid parameter, with moby's wording (the name as the client sent it).</exception>
    public static string Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bare = name.StartsWith('/') ? name[1..] : name;
        if (!Pattern().IsMatch(bare))
            throw BerthException.Invalid($"Invalid container name ({name}), only {RestrictedNameChars} are allowed");
        return "/" + bare;
    }

    /// <summary>Moby's nameConflictError, byte for byte.</summary>
    public static BerthException Conflict(string name, string holderId) => BerthException.Conflict(
        $"Conflict. The container name \"{name}\" is already in use by container \"{holderId}\". You have to remove (or rename) that container to be able to reuse that name.");

    [GeneratedRegex(@"^[a-zA-Z0-9][a-zA-Z0-9_.-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
