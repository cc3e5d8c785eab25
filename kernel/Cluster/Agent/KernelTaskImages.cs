using Berth.Kernel.Images;
using Berth.Kernel.Images.Distribution;
using Berth.Kernel.Images.Progress;
using Berth.Kernel.Images.Pull;
using Berth.Kernel.Images.References;

namespace Berth.Kernel.Cluster.Agent;

/// <summary><see cref="ITaskImages"/> over the kernel's image store and puller (progress goes nowhere: no client waits for it).</summary>
public sealed class KernelTaskImages(ImageService images, ImagePuller puller) : ITaskImages
{
    public bool Exists(string reference) => !string.IsNullOrEmpty(reference) && images.TryResolve(reference) is not null;

    public Task PullAsync(string reference, string? encodedAuth, CancellationToken cancellationToken) =>
        puller.PullAsync(ImageReference.Parse(reference).WithDefaultTag(), RegistryCredentials.Decode(encodedAuth), JsonMessageStream.Discarding(), cancellationToken);
}
