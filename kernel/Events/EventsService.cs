using System.Threading.Channels;

namespace Berth.Kernel.Events;

/// <summary>
/// The daemon's event stream: a bounded ring of recent events for since/until replay, and live subscribers.
/// A subscriber that cannot keep up loses its oldest undelivered events rather than growing without bound.
/// </summary>
public sealed class EventsService(TimeProvider time)
{
    public const int RingCapacity = 1024;
    public const int SubscriberBuffer = 1024;
    public const int MaxSubscribers = 512;

    private readonly Lock gate = new();
    private readonly Queue<EventMessage> ring = new();
    private readonly List<Channel<EventMessage>> subscribers = [];

    public int SubscriberCount
    {
        get { lock (gate) return subscribers.Count; }
    }

    public EventMessage Publish(string type, string action, string actorId, IReadOnlyDictionary<string, string>? attributes = null)
    {
        var now = time.GetUtcNow();
        var nanos = (now.ToUnixTimeMilliseconds() * 1_000_000) + (now.Ticks % TimeSpan.TicksPerMillisecond * 100);
        var legacy = type is "container" or "image";
        var message = new EventMessage
        {
            Type = type,
            Action = action,
            Actor = new EventActor(actorId, attributes ?? new Dictionary<string, string>()),
            Time = now.ToUnixTimeSeconds(),
            TimeNano = nanos,
            Status = legacy ? action : null,
            Id = legacy ? actorId : null,
            From = legacy && attributes is not null && attributes.TryGetValue("image", out var image) ? image : null,
        };
        lock (gate)
        {
            if (ring.Count == RingCapacity) ring.Dequeue();
            ring.Enqueue(message);
            foreach (var subscriber in subscribers) subscriber.Writer.TryWrite(message);
        }
        return message;
    }

    /// <summary>Past events in [since, until] from the ring, plus a live feed from now on (dispose to unsubscribe).</summary>
    public Subscription Subscribe(DateTimeOffset? since, DateTimeOffset? until)
    {
        var channel = Channel.CreateBounded<EventMessage>(new BoundedChannelOptions(SubscriberBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        List<EventMessage> past;
        lock (gate)
        {
            if (subscribers.Count >= MaxSubscribers)
                throw new Sdk.BerthException(Sdk.BerthErrorKind.Unavailable, $"too many event subscribers (limit {MaxSubscribers})");
            past = since is null && until is null
                ? []
                : ring.Where(e => InRange(e, since, until)).ToList();
            subscribers.Add(channel);
        }
        return new Subscription(past, channel.Reader, () =>
        {
            lock (gate) subscribers.Remove(channel);
            channel.Writer.TryComplete();
        });
    }

    private static bool InRange(EventMessage e, DateTimeOffset? since, DateTimeOffset? until)
    {
        var ns = e.TimeNano;
        if (since is { } s && ns < ToNanos(s)) return false;
        if (until is { } u && ns > ToNanos(u)) return false;
        return true;
    }

    public static long ToNanos(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    public sealed class Subscription(IReadOnlyList<EventMessage> past, ChannelReader<EventMessage> live, Action unsubscribe) : IDisposable
    {
        public IReadOnlyList<EventMessage> Past { get; } = past;
        public ChannelReader<EventMessage> Live { get; } = live;
        public void Dispose() => unsubscribe();
    }
}
