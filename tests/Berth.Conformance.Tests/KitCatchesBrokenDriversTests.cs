using Berth.Conformance.Tests.Broken;
using Berth.Conformance.Tests.Support;
using Berth.Sdk.Testing;

namespace Berth.Conformance.Tests;

/// <summary>
/// The kit is worth running only if it fails a broken driver: each deliberate fault makes the check that guards against
/// it fail, and the same check passes on the healthy driver, so the failure is the fault's.
/// </summary>
[TestFixture]
public sealed class KitCatchesBrokenDriversTests
{
    [TestCase(typeof(StopTwiceFails), nameof(LogDriverConformance.StopLogging_Twice_SecondSucceeds), "idempotent")]
    [TestCase(typeof(WrongErrorKind), nameof(LogDriverConformance.StartLogging_InvalidOptions_InvalidParameter), "InvalidParameter")]
    [TestCase(typeof(StreamLeftOpen), nameof(LogDriverConformance.ReadLogs_WithoutFollow_StreamEndsAfterTheStoredEntries), "left open")]
    [TestCase(typeof(IgnoresCancellation), nameof(LogDriverConformance.ReadLogs_Follow_DeliversLaterLinesThenEndsWhenCancelled), "cancellation ignored")]
    public Task LogDriverCheck_DriverWithTheFault_FailsNamingIt(Type fault, string check, string named) =>
        AssertCaughtAsync(typeof(BrokenLogDriverFixture<>), fault, check, named);

    [Test]
    public Task GraphDriverCheck_NonIdempotentRemove_FailsNamingIt() =>
        AssertCaughtAsync(typeof(BrokenGraphDriverFixture<>), typeof(RemoveTwiceFails), nameof(GraphDriverConformance.Remove_Twice_SecondSucceeds), "idempotent");

    private static async Task AssertCaughtAsync(Type fixture, Type fault, string check, string named)
    {
        var broken = await KitRun.RunAsync(Activator.CreateInstance(fixture.MakeGenericType(fault))!, check);
        var healthy = await KitRun.RunAsync(Activator.CreateInstance(fixture.MakeGenericType(typeof(Healthy)))!, check);

        Assert.That(broken.Passed, Is.False, $"{check} let a driver with the fault {fault.Name} pass");
        Assert.That(broken.Message, Does.Contain(named));
        Assert.That(healthy.Passed, Is.True, $"{check} fails the healthy driver too: {healthy.Message}");
    }
}
