using Berth.Sdk;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Logging;

namespace Berth.Conformance.Tests.Broken;

/// <summary>One deliberate fault: takes over the calls it breaks (returning their Task), null lets a call through.</summary>
internal interface IDriverFault
{
    object? Inject(DriverCall call);
}

internal sealed class Healthy : IDriverFault
{
    public object? Inject(DriverCall call) => null;
}

/// <summary>A second StopLogging for the same FIFO fails (not idempotent).</summary>
internal sealed class StopTwiceFails : IDriverFault
{
    private readonly HashSet<string> stopped = [];

    public object? Inject(DriverCall call) =>
        call.Method == nameof(ILogDriver.StopLoggingAsync) && !stopped.Add((string)call.Arguments[0]!)
            ? Task.FromException(BerthException.NotFound("this FIFO is not being logged"))
            : null;
}

/// <summary>Refused options come out as a plain exception (a 500 over the wire) instead of InvalidParameter.</summary>
internal sealed class WrongErrorKind : IDriverFault
{
    public object? Inject(DriverCall call) =>
        call.Method == nameof(ILogDriver.StartLoggingAsync) ? AsPlainErrorAsync((Task)call.ProceedAsIs()!) : null;

    private static async Task AsPlainErrorAsync(Task start)
    {
        try
        {
            await start;
        }
        catch (BerthException e)
        {
            throw new InvalidOperationException(e.Message);
        }
    }
}

/// <summary>A ReadLogs stream without follow never ends after its last entry.</summary>
internal sealed class StreamLeftOpen : IDriverFault
{
    public object? Inject(DriverCall call) =>
        call.Method == nameof(ILogDriver.ReadLogsAsync) && !((ReadConfig)call.Arguments[1]!).Follow
            ? KeptOpenAsync((Task<Stream>)call.ProceedAsIs()!)
            : null;

    private static async Task<Stream> KeptOpenAsync(Task<Stream> read) => new NeverEndingStream(await read);
}

/// <summary>ReadLogs with follow ignores the call's cancellation.</summary>
internal sealed class IgnoresCancellation : IDriverFault
{
    public object? Inject(DriverCall call) =>
        call.Method == nameof(ILogDriver.ReadLogsAsync) ? call.Proceed([call.Arguments[0], call.Arguments[1], CancellationToken.None]) : null;
}

/// <summary>Remove fails for a layer already removed (not idempotent).</summary>
internal sealed class RemoveTwiceFails : IDriverFault
{
    private readonly HashSet<string> removed = [];

    public object? Inject(DriverCall call) =>
        call.Method == nameof(IGraphDriver.RemoveAsync) && !removed.Add((string)call.Arguments[0]!)
            ? Task.FromException(BerthException.NotFound($"layer {call.Arguments[0]} does not exist"))
            : null;
}
