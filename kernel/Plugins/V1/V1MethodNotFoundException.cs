using Berth.Sdk;

namespace Berth.Kernel.Plugins.V1;

/// <summary>The plugin answered 404 for a method: it does not implement it (moby's <c>IsNotFound</c>; optional methods are skipped).</summary>
public sealed class V1MethodNotFoundException : BerthException
{
    public V1MethodNotFoundException(string plugin, string method)
        : base(BerthErrorKind.NotImplemented, $"plugin {plugin} does not implement {method}") => Method = method;

    public V1MethodNotFoundException() : base(BerthErrorKind.NotImplemented, "plugin method not implemented") => Method = "";

    public V1MethodNotFoundException(string message) : base(BerthErrorKind.NotImplemented, message) => Method = "";

    public V1MethodNotFoundException(string message, Exception inner) : base(BerthErrorKind.NotImplemented, message, inner) => Method = "";

    public string Method { get; }
}
