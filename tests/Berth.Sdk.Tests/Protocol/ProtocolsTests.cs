using Berth.Sdk.Cluster;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Logging;
using Berth.Sdk.Protocol;

namespace Berth.Sdk.Tests.Protocol;

public class ProtocolsTests
{
    [Test]
    public void All_EveryContract_HasUniqueKindInterfaceAndPrefix()
    {
        Assert.That(Protocols.All.Select(c => c.Protocol.Kind), Is.Unique);
        Assert.That(Protocols.All.Select(c => c.Contract), Is.Unique);
        Assert.That(Protocols.All.Select(c => c.MethodPrefix), Is.Unique);
        Assert.That(Protocols.All.Select(c => c.MethodPrefix), Has.All.EndsWith("."));
        Assert.That(Protocols.All.Select(c => c.Contract), Has.All.Matches<Type>(t => t.IsInterface));
    }

    [Test]
    public void ForKind_KnownKind_ReturnsItsContract()
    {
        var log = Protocols.ForKind("logdriver");

        Assert.That(log, Is.Not.Null);
        Assert.That(log!.Contract, Is.EqualTo(typeof(ILogDriver)));
        Assert.That(log.MethodPrefix, Is.EqualTo("LogDriver."));
        Assert.That(log.Protocol, Is.EqualTo(Protocols.LogDriver));
    }

    [Test]
    public void ForKind_UnknownOrDifferentlyCasedKind_ReturnsNull()
    {
        Assert.That(Protocols.ForKind("volumedriver"), Is.Null);
        Assert.That(Protocols.ForKind("LogDriver"), Is.Null);
    }

    [Test]
    public void ForInterface_ContractType_ReturnsDescriptor()
    {
        Assert.That(Protocols.ForInterface(typeof(IGraphDriver))?.Protocol, Is.EqualTo(Protocols.GraphDriver));
        Assert.That(Protocols.ForInterface(typeof(IClusterBackend))?.MethodPrefix, Is.EqualTo("Cluster."));
        Assert.That(Protocols.ForInterface(typeof(IDisposable)), Is.Null);
    }
}
