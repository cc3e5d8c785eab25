using System.Text.Json.Nodes;
using Berth.Sdk;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>
/// <c>linux.seccomp</c> as Moby's WithSeccomp chooses it: none for <c>seccomp=unconfined</c> or a privileged container
/// (unless it names a profile), the default profile otherwise, or the profile given in <c>seccomp=&lt;json&gt;</c>.
/// </summary>
internal static class SeccompSpec
{
    public static JsonObject? Build(SecurityOptions security, bool privileged, IReadOnlyList<string> bounding, HostSupport host, List<string> warnings)
    {
        var profile = security.SeccompProfile;
        if (profile == SecurityOptions.Unconfined) return null;
        if (privileged)
            return profile.Length > 0 && profile != SecurityOptions.SeccompBuiltin
                ? SeccompProfileConverter.Convert(profile, bounding, host.KernelVersion)
                : profile == SecurityOptions.SeccompBuiltin ? SeccompProfileConverter.DefaultProfile(bounding, host.KernelVersion) : null;
        if (!host.Seccomp)
        {
            if (profile.Length > 0 && profile != SecurityOptions.SeccompBuiltin)
                throw BerthException.Invalid("seccomp is not enabled in your kernel, cannot run a custom seccomp profile");
            warnings.Add("seccomp is not enabled in your kernel, running container without default profile");
            return null;
        }
        return profile.Length == 0 || profile == SecurityOptions.SeccompBuiltin
            ? SeccompProfileConverter.DefaultProfile(bounding, host.KernelVersion)
            : SeccompProfileConverter.Convert(profile, bounding, host.KernelVersion);
    }
}
