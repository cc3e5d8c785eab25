namespace Berth.Sdk.Storage;

/// <summary>A mutual-exclusion lock held across awaits: <c>using (await gate.LockAsync(ct)) { … }</c>.</summary>
public sealed class AsyncLock
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task<IDisposable> LockAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) gate.Release();
        }
    }
}
