namespace Berth.Tests.Shared;

/// <summary>
/// Awaits instead of blocking, without fixed sleeps, and never lets a broken test hang the run: every wait has a hard
/// real-time cap. Linked into each unit test project.
/// </summary>
internal static class Wait
{
    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(10);

    /// <summary>Polls <paramref name="condition"/> until it holds or the cap passes.</summary>
    public static async Task Eventually(Func<bool> condition, string? what = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var until = DateTime.UtcNow + Cap;
        while (!condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail($"timed out waiting for {what ?? "the condition"}");
            await Task.Delay(5).ConfigureAwait(false);
        }
    }

    public static Task<T> Within<T>(Task<T> task) => task.WaitAsync(Cap);

    public static Task Within(Task task) => task.WaitAsync(Cap);

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
}
