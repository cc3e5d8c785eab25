using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Kernel.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that records every timer it creates, so a test advances the clock only once the
/// code under test has armed the delay it is about to pass (a timer armed after the advance would not fire).
/// </summary>
internal sealed class TrackingTimeProvider : FakeTimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> created = new();

    public TrackingTimeProvider() : base(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>How many timers were created with this due time so far.</summary>
    public int Armed(TimeSpan dueTime) => created.Count(d => d == dueTime);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        created.Enqueue(dueTime);
        return base.CreateTimer(callback, state, dueTime, period);
    }

    /// <summary>Waits (in real time, capped) until the <paramref name="count"/>th timer of <paramref name="dueTime"/> exists, then advances by it.</summary>
    public async Task AdvanceWhenArmedAsync(TimeSpan dueTime, int count)
    {
        await Wait.Eventually(() => Armed(dueTime) >= count, $"timer #{count} of {dueTime}").ConfigureAwait(false);
        Advance(dueTime);
    }
}
