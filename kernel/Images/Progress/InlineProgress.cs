namespace Berth.Kernel.Images.Progress;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports on the caller's thread, in order — <see cref="Progress{T}"/> posts to
/// the thread pool, so a late "Downloading" could land after "Download complete".
/// </summary>
public sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
