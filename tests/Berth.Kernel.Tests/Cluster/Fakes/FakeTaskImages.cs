using Berth.Kernel.Cluster.Agent;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Cluster.Fakes;

internal sealed class FakeTaskImages : ITaskImages
{
    private readonly HashSet<string> local = new(StringComparer.Ordinal);

    public List<string> Pulls { get; } = [];

    /// <summary>Pulls fail (the registry cannot be reached) unless set.</summary>
    public bool PullSucceeds { get; set; }

    public FakeTaskImages With(string reference)
    {
        local.Add(reference);
        return this;
    }

    public bool Exists(string reference) => local.Contains(reference);

    public Task PullAsync(string reference, string? encodedAuth, CancellationToken cancellationToken)
    {
        lock (Pulls) Pulls.Add(reference);
        if (!PullSucceeds) return Task.FromException(BerthException.Unavailable($"registry unreachable for {reference}"));
        local.Add(reference);
        return Task.CompletedTask;
    }
}
