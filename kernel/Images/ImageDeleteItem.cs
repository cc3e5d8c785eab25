namespace Berth.Kernel.Images;

/// <summary>One line of <c>docker rmi</c>'s answer: a reference removed (Untagged) or an image or layer deleted.</summary>
public sealed record ImageDeleteItem(string? Untagged, string? Deleted)
{
    public static ImageDeleteItem UntaggedRef(string reference) => new(reference, null);
    public static ImageDeleteItem DeletedId(string id) => new(null, id);
}
