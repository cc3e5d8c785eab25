using Berth.Kernel.Images.Content;

namespace Berth.Kernel.Images.Layers;

/// <summary>The image spec's chain ids: ChainID(L0) = DiffID(L0); ChainID(L0..n) = sha256(ChainID(L0..n-1) + " " + DiffID(Ln)).</summary>
public static class ChainIds
{
    public static IReadOnlyList<string> Of(IReadOnlyList<string> diffIds)
    {
        ArgumentNullException.ThrowIfNull(diffIds);
        var chain = new List<string>(diffIds.Count);
        foreach (var diffId in diffIds)
            chain.Add(Next(chain.Count == 0 ? null : chain[^1], diffId));
        return chain;
    }

    /// <summary>The chain id of a layer with diff id <paramref name="diffId"/> on top of <paramref name="parentChainId"/>.</summary>
    public static string Next(string? parentChainId, string diffId) =>
        parentChainId is null ? diffId : Digests.Of(parentChainId + " " + diffId);
}
