namespace Berth.Sdk.Testing;

/// <summary>
/// The driver instances one conformance test made over its root: the current one, and those a simulated restart left
/// behind (a plugin process that was replaced). All are disposed when the test ends.
/// </summary>
internal sealed class DriverInstances<T>(Func<T, Task> dispose, string kind) where T : class
{
    private readonly List<T> instances = [];

    public T Current => instances.Count > 0 ? instances[^1] : throw new InvalidOperationException($"no {kind} outside a test");

    public bool IsEmpty => instances.Count == 0;

    public T Add(T instance)
    {
        instances.Add(instance);
        return instance;
    }

    /// <summary>Disposes the current instance, as a plugin process that stops.</summary>
    public async Task StopCurrentAsync()
    {
        var current = Current;
        instances.Remove(current);
        await dispose(current).ConfigureAwait(false);
    }

    /// <summary>Disposes every instance; a failure is reported in the test output and does not stop the others.</summary>
    public async Task DisposeAllAsync()
    {
        foreach (var instance in instances)
        {
            try
            {
                await dispose(instance).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                await TestContext.Out.WriteLineAsync($"disposing the {kind} failed: {ex.Message}").ConfigureAwait(false);
            }
        }
        instances.Clear();
    }

    /// <summary>What the kits do by default to release a driver: dispose it when it is (async) disposable.</summary>
    public static async Task DisposeDefaultAsync(T instance)
    {
        switch (instance)
        {
            case IAsyncDisposable asyncDisposable: await asyncDisposable.DisposeAsync().ConfigureAwait(false); break;
            case IDisposable disposable: disposable.Dispose(); break;
        }
    }
}
