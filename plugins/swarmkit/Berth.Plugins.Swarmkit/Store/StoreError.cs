using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Store;

/// <summary>Why a batch was refused. Every member reaches the same verdict, so nothing of the batch is applied anywhere.</summary>
public sealed record StoreError(BerthErrorKind Kind, string Message)
{
    public const string OutOfSequence = "update out of sequence";

    public BerthException ToException() => new(Kind, Message);
}
