using System.Runtime.ExceptionServices;

namespace Berth.Sdk.Networking.Namespaces;

/// <summary>
/// Runs work on a new OS thread that ends with it. Namespace changes (unshare, setns) apply to the calling thread
/// only, so they must never happen on a thread-pool thread, which would carry the change into unrelated work.
/// </summary>
internal static class DedicatedThread
{
    /// <summary>Runs <paramref name="body"/> on a new thread, waits for it and returns its result or rethrows its exception.</summary>
    public static T Run<T>(string name, Func<T> body)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = body();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        })
        { IsBackground = true, Name = name };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    /// <summary>Runs <paramref name="body"/> on a new thread; the task completes when it does, without holding a pool thread meanwhile.</summary>
    public static Task<T> RunAsync<T>(string name, Func<T> body)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                completion.SetResult(body());
            }
            catch (Exception e)
            {
                completion.SetException(e);
            }
        })
        { IsBackground = true, Name = name };
        thread.Start();
        return completion.Task;
    }
}
