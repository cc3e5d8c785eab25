using Berth.Kernel.Names;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Names;

public class NameRenameTests
{
    private const string WebId = "4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b";
    private const string DbId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private NameRegistry registry = null!;

    [SetUp]
    public void CreateRegistry()
    {
        registry = new NameRegistry();
        registry.Reserve("web", WebId);
        registry.Reserve("db", DbId);
        registry.ReserveLink("web", "database", DbId);
    }

    [Test]
    public void Rename_FreeName_MovesTheNameAndItsLinkNames()
    {
        registry.Rename("web", "frontend", WebId);

        Assert.Multiple(() =>
        {
            Assert.That(registry.Lookup("web"), Is.Null);
            Assert.That(registry.Lookup("/frontend"), Is.EqualTo(WebId));
            Assert.That(registry.Lookup("/web/database"), Is.Null);
            Assert.That(registry.Lookup("/frontend/database"), Is.EqualTo(DbId));
            Assert.That(registry.NamesOf(WebId), Is.EqualTo(new[] { "/frontend" }));
        });
    }

    [Test]
    public void Rename_NameTaken_ThrowsConflictAndKeepsTheOldName()
    {
        var error = Assert.Throws<BerthException>(() => registry.Rename("/web", "db", WebId))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.Conflict));
            Assert.That(error.Message, Is.EqualTo(
                "Error when allocating new name: Conflict. The container name \"/db\" is already in use by container \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\". You have to remove (or rename) that container to be able to reuse that name."));
            Assert.That(registry.Lookup("web"), Is.EqualTo(WebId));
            Assert.That(registry.Lookup("/web/database"), Is.EqualTo(DbId));
            Assert.That(registry.Lookup("db"), Is.EqualTo(DbId));
        });
    }

    [Test]
    public void Rename_InvalidNewName_ThrowsInvalidAndKeepsTheOldName()
    {
        var error = Assert.Throws<BerthException>(() => registry.Rename("web", "bad name", WebId))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(error.Message, Is.EqualTo("Error when allocating new name: Invalid container name (/bad name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"));
            Assert.That(registry.Lookup("web"), Is.EqualTo(WebId));
        });
    }

    [Test]
    public void Rename_SameName_ThrowsInvalid()
    {
        var error = Assert.Throws<BerthException>(() => registry.Rename("web", "/web", WebId))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(error.Message, Is.EqualTo("Renaming a container with the same name as its current name"));
        });
    }

    [TestCase("", "x1")]
    [TestCase("web", " / ")]
    public void Rename_EmptyName_ThrowsInvalid(string oldName, string newName)
    {
        var error = Assert.Throws<BerthException>(() => registry.Rename(oldName, newName, WebId))!;

        Assert.That(error.Message, Is.EqualTo("Neither old nor new names may be empty"));
    }

    [Test]
    public void Rename_OldNameHeldByAnotherContainer_ThrowsNotFound()
    {
        var error = Assert.Throws<BerthException>(() => registry.Rename("db", "other", WebId))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.NotFound));
            Assert.That(registry.Lookup("db"), Is.EqualTo(DbId));
            Assert.That(registry.Lookup("other"), Is.Null);
        });
    }
}
