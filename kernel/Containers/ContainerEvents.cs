using Berth.Kernel.Events;

namespace Berth.Kernel.Containers;

/// <summary>Container events with Moby's attributes: the container's labels, image and name, plus per-action extras.</summary>
public sealed class ContainerEvents(EventsService events)
{
    public void Publish(Container container, string action, IReadOnlyDictionary<string, string>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        var attributes = new Dictionary<string, string>(container.Labels, StringComparer.Ordinal)
        {
            ["image"] = container.ImageName,
            ["name"] = container.Name.TrimStart('/'),
        };
        if (extra is not null) foreach (var (key, value) in extra) attributes[key] = value;
        events.Publish("container", action, container.Id, attributes);
    }
}
