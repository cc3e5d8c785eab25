namespace Berth.Kernel.InitLayer;

/// <summary>
/// Serialises writers of one file (moby's etchosts path locks): a fixed set of semaphores picked by the path's hash,
/// so nothing grows with the number of containers.
/// </summary>
internal static class PathLocks
{
    private static readonly SemaphoreSlim[] Stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public static async Task<IDisposable> AcquireAsync(string path, CancellationToken cancellationToken)
    {
        var stripe = Stripes[(StringComparer.Ordinal.GetHashCode(Path.GetFullPath(path)) & int.MaxValue) % Stripes.Length];
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(stripe);
    }

    private sealed class Releaser(SemaphoreSlim stripe) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) stripe.Release();
        }
    }
}
