namespace Berth.Sdk;

/// <summary>
/// Marks a contract method that may be sent again after the plugin process died mid-call
/// (reads and status queries). The kernel retries such calls once on the restarted plugin.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class IdempotentAttribute : Attribute;

/// <summary>Marks a contract method whose work scales with data (layer apply, diff): it gets a longer call timeout.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class LongRunningAttribute : Attribute;
