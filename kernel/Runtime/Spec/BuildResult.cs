using System.Text.Json.Nodes;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>The OCI runtime spec (runc's config.json) and the warnings to show the user (options accepted but ignored).</summary>
public sealed record BuildResult(JsonObject Spec, IReadOnlyList<string> Warnings);
