using Berth.Sdk;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>Moby's container.ValidateRestartPolicy (api/types/container/hostconfig.go), with its messages.</summary>
public static class RestartPolicyRules
{
    public static void Validate(string name, long maximumRetryCount)
    {
        ArgumentNullException.ThrowIfNull(name);
        switch (name)
        {
            case "always" or "unless-stopped" or "no":
                if (maximumRetryCount != 0)
                {
                    var message = "invalid restart policy: maximum retry count can only be used with 'on-failure'";
                    if (maximumRetryCount < 0) message += " and cannot be negative";
                    throw BerthException.Invalid(message);
                }
                return;
            case "on-failure":
                if (maximumRetryCount < 0) throw BerthException.Invalid("invalid restart policy: maximum retry count cannot be negative");
                return;
            case "":
                return; // pre-v25 clients sent an empty name; any count is accepted for compatibility
            default:
                throw BerthException.Invalid(
                    $"invalid restart policy: unknown policy '{name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'");
        }
    }
}
