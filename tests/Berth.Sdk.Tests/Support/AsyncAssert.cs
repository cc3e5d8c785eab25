namespace Berth.Sdk.Tests.Support;

/// <summary>Awaits instead of blocking, and never lets a broken test hang the run.</summary>
internal static class AsyncAssert
{
    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(10);

    /// <summary>Awaits <paramref name="action"/> and returns the exception of type <typeparamref name="T"/> it threw.</summary>
    public static async Task<T> ThrowsAsync<T>(Func<Task> action) where T : Exception
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            await action().WaitAsync(Cap).ConfigureAwait(false);
        }
        catch (T expected)
        {
            return expected;
        }
        Assert.Fail($"expected {typeof(T).Name}, but the call completed");
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Awaits a task with a hard real-time cap.</summary>
    public static Task<T> Within<T>(Task<T> task) => task.WaitAsync(Cap);

    public static Task Within(Task task) => task.WaitAsync(Cap);
}
