using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Berth.Conformance.Tests.Broken;

/// <summary>A call the fault sees: its method name, its arguments, and the healthy driver's answer on demand.</summary>
internal sealed record DriverCall(string Method, object?[] Arguments, Func<object?[], object?> Proceed)
{
    public object? ProceedAsIs() => Proceed(Arguments);
}

/// <summary>
/// Wraps a healthy driver so that one deliberate fault takes over some of its calls; every other call goes through
/// unchanged. The fault returns the call's result (a Task) or null to let the call through.
/// </summary>
internal class FaultInjector<T> : DispatchProxy where T : class
{
    private T inner = null!;
    private Func<DriverCall, object?> fault = null!;

    public static T Wrap(T healthy, Func<DriverCall, object?> fault)
    {
        var proxy = Create<T, FaultInjector<T>>();
        var injector = (FaultInjector<T>)(object)proxy;
        injector.inner = healthy;
        injector.fault = fault;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var call = new DriverCall(targetMethod.Name, args ?? [], a => Forward(targetMethod, a));
        return fault(call) ?? call.ProceedAsIs();
    }

    private object? Forward(MethodInfo method, object?[] args)
    {
        try
        {
            return method.Invoke(inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
