namespace Berth.Kernel.Images.Store;

/// <summary>What Berth knows of an image beyond its config: when it was last tagged.</summary>
public sealed record ImageRecord(string Id, DateTimeOffset? LastTagTime);

/// <summary>An image as the services see it: its record, its config and the chain ids of its layers.</summary>
public sealed record ImageEntry(ImageRecord Record, ImageConfig Config, IReadOnlyList<string> ChainIds)
{
    public string Id => Record.Id;
}
