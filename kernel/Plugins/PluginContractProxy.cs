using System.Collections.Concurrent;
using System.Reflection;
using Berth.Sdk;
using Berth.Sdk.Protocol;

namespace Berth.Kernel.Plugins;

/// <summary>
/// A local object implementing a driver contract whose calls go to a supervised plugin process:
/// callers cannot tell local from remote. Each call gets the supervisor's deadline, retry and error mapping.
/// </summary>
public class PluginContractProxy<T> : DispatchProxy where T : class
{
    private static readonly ConcurrentDictionary<MethodInfo, Func<PluginContractProxy<T>, object?[], object>> Calls = new();

    private Func<PluginSupervisor> resolve = null!;
    private string prefix = "";

    /// <param name="resolve">Finds the supervisor serving the plugin now (throws if the plugin is not enabled).</param>
    public static T Create(Func<PluginSupervisor> resolve)
    {
        var descriptor = Protocols.ForInterface(typeof(T))
            ?? throw new ArgumentException($"{typeof(T).Name} is not a Berth driver contract", nameof(T));
        var proxy = Create<T, PluginContractProxy<T>>();
        var self = (PluginContractProxy<T>)(object)proxy;
        self.resolve = resolve;
        self.prefix = descriptor.MethodPrefix;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        return Calls.GetOrAdd(targetMethod, Build)(this, args ?? []);
    }

    private static Func<PluginContractProxy<T>, object?[], object> Build(MethodInfo method)
    {
        var parameters = method.GetParameters();
        var hasToken = parameters.Length > 0 && parameters[^1].ParameterType == typeof(CancellationToken);
        var options = new CallOptions(
            WireNames.Method(Protocols.ForInterface(typeof(T))!.MethodPrefix, method.Name),
            method.GetCustomAttribute<IdempotentAttribute>() is not null,
            method.GetCustomAttribute<LongRunningAttribute>() is not null);

        Type resultType;
        if (method.ReturnType == typeof(Task)) resultType = typeof(object);
        else if (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>))
            resultType = method.ReturnType.GetGenericArguments()[0];
        else throw new NotSupportedException($"{typeof(T).Name}.{method.Name} must return Task or Task<T>");

        var send = (Func<PluginContractProxy<T>, CallOptions, object?[], CancellationToken, Task>)Delegate.CreateDelegate(
            typeof(Func<PluginContractProxy<T>, CallOptions, object?[], CancellationToken, Task>),
            typeof(PluginContractProxy<T>).GetMethod(nameof(SendAsync), BindingFlags.NonPublic | BindingFlags.Instance)!.MakeGenericMethod(resultType));
        // A Task<object> stands in for a plain Task: callers only await it.
        return (proxy, args) =>
        {
            var token = hasToken && args[^1] is CancellationToken ct ? ct : CancellationToken.None;
            var payload = hasToken ? args[..^1] : args;
            return send(proxy, options, payload, token);
        };
    }

    private Task<TResult> SendAsync<TResult>(CallOptions options, object?[] payload, CancellationToken cancellationToken)
    {
        PluginSupervisor supervisor;
        try
        {
            supervisor = resolve();
        }
        catch (Exception ex)
        {
            return Task.FromException<TResult>(ex);
        }
        return supervisor.InvokeAsync<TResult>(options, payload, cancellationToken);
    }

    public override string ToString() => $"{typeof(T).Name} proxy ({prefix})";
}
