using Berth.Kernel.Names;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Names;

public class NameRegistryTests
{
    private const string WebId = "4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b";
    private const string DbId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private const string OtherId = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

    [Test]
    public void Reserve_NameTakenByAnotherContainer_ThrowsDockersConflictMessage()
    {
        var registry = new NameRegistry();
        registry.Reserve("web", WebId);

        var error = Assert.Throws<BerthException>(() => registry.Reserve("/web", OtherId))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.Conflict));
            Assert.That(error.Message, Is.EqualTo(
                "Conflict. The container name \"/web\" is already in use by container \"4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b\". You have to remove (or rename) that container to be able to reuse that name."));
            Assert.That(registry.Lookup("web"), Is.EqualTo(WebId));
        });
    }

    [Test]
    public void Reserve_SameIdTwice_IsANoOp()
    {
        var registry = new NameRegistry();
        registry.Reserve("/web", WebId);

        Assert.DoesNotThrow(() => registry.Reserve("web", WebId));
        Assert.That(registry.NamesOf(WebId), Is.EqualTo(new[] { "/web" }));
    }

    [Test]
    public void Lookup_WithOrWithoutSlash_FindsTheDockerFormName()
    {
        var registry = new NameRegistry();
        registry.Reserve("web", WebId);

        Assert.Multiple(() =>
        {
            Assert.That(registry.Lookup("/web"), Is.EqualTo(WebId));
            Assert.That(registry.Lookup("web"), Is.EqualTo(WebId));
            Assert.That(registry.Lookup("db"), Is.Null);
            Assert.That(registry.Lookup(""), Is.Null);
        });
    }

    [Test]
    public void Release_ReservedName_CanBeReservedByAnotherContainer()
    {
        var registry = new NameRegistry();
        registry.Reserve("web", WebId);

        registry.Release("web");
        registry.Reserve("web", OtherId);

        Assert.Multiple(() =>
        {
            Assert.That(registry.Lookup("web"), Is.EqualTo(OtherId));
            Assert.That(registry.NamesOf(WebId), Is.Empty);
        });
    }

    [Test]
    public void Release_UnknownName_DoesNothing() => Assert.DoesNotThrow(() => new NameRegistry().Release("nobody"));

    [Test]
    public void ReserveLink_FreeLinkName_ReservesParentSlashAliasForTheChild()
    {
        var registry = new NameRegistry();
        registry.Reserve("web", WebId);
        registry.Reserve("db", DbId);

        var reserved = registry.ReserveLink("/web", "database", DbId);

        Assert.Multiple(() =>
        {
            Assert.That(reserved, Is.True);
            Assert.That(registry.Lookup("/web/database"), Is.EqualTo(DbId));
            Assert.That(registry.NamesOf(DbId), Is.EqualTo(new[] { "/db", "/web/database" }));
            Assert.That(registry.LinksOf("web"), Is.EqualTo(new Dictionary<string, string> { ["/web/database"] = DbId }));
        });
    }

    [Test]
    public void ReserveLink_LinkNameHeldByAnotherContainer_ReturnsFalseAndKeepsTheHolder()
    {
        var registry = new NameRegistry();
        registry.ReserveLink("web", "db", DbId);

        Assert.Multiple(() =>
        {
            Assert.That(registry.ReserveLink("web", "db", OtherId), Is.False);
            Assert.That(registry.ReserveLink("web", "db", DbId), Is.True);
            Assert.That(registry.Lookup("/web/db"), Is.EqualTo(DbId));
        });
    }

    [Test]
    public void ReleaseChildrenOf_Parent_FreesOnlyItsLinkNames()
    {
        var registry = new NameRegistry();
        registry.Reserve("web", WebId);
        registry.Reserve("webapp", OtherId);
        registry.Reserve("db", DbId);
        registry.ReserveLink("web", "db", DbId);
        registry.ReserveLink("web", "cache", DbId);
        registry.ReserveLink("webapp", "db", DbId);

        var released = registry.ReleaseChildrenOf("/web");

        Assert.Multiple(() =>
        {
            Assert.That(released, Is.EqualTo(new[] { "/web/cache", "/web/db" }));
            Assert.That(registry.NamesOf(DbId), Is.EqualTo(new[] { "/db", "/webapp/db" }));
            Assert.That(registry.Lookup("web"), Is.EqualTo(WebId));
        });
    }

    [Test]
    public void ReleaseAll_RemovedChild_FreesItsNameAndTheLinkNamesPointingAtIt()
    {
        var registry = new NameRegistry();
        registry.Reserve("web", WebId);
        registry.Reserve("db", DbId);
        registry.ReserveLink("web", "db", DbId);

        var released = registry.ReleaseAll(DbId);

        Assert.Multiple(() =>
        {
            Assert.That(released, Is.EquivalentTo(new[] { "/db", "/web/db" }));
            Assert.That(registry.Lookup("/web/db"), Is.Null);
            Assert.That(registry.Lookup("web"), Is.EqualTo(WebId));
        });
    }

    [Test]
    public void Reserve_ManyThreadsSameName_ExactlyOneWins()
    {
        var registry = new NameRegistry();
        var winners = 0;

        Parallel.For(0, 64, i =>
        {
            try
            {
                registry.Reserve("contended", $"{i:x64}");
                Interlocked.Increment(ref winners);
            }
            catch (BerthException error) when (error.Kind == BerthErrorKind.Conflict)
            {
            }
        });

        Assert.That(winners, Is.EqualTo(1));
    }
}
