using Berth.Kernel.Runtime.Spec;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Runtime.Spec;

public class UserResolverTests
{
    private FakeRootfs rootfs = null!;

    [SetUp]
    public void SetUp() => rootfs = FakeRootfs.Standard();

    [TearDown]
    public void TearDown() => rootfs.Dispose();

    [Test]
    public void Resolve_EmptyUser_IsRootWithItsGroupMemberships()
    {
        var user = UserResolver.Resolve(rootfs.Path, "", []);

        Assert.That((user.Uid, user.Gid), Is.EqualTo((0u, 0u)));
        Assert.That(user.AdditionalGids, Is.EqualTo(new uint[] { 0, 10 }));
    }

    [Test]
    public void Resolve_UserName_UsesPasswdEntryAndGroupMemberships()
    {
        var user = UserResolver.Resolve(rootfs.Path, "app", []);

        Assert.That((user.Uid, user.Gid), Is.EqualTo((1000u, 1000u)));
        Assert.That(user.AdditionalGids, Is.EqualTo(new uint[] { 1000, 10, 29 }));
    }

    [Test]
    public void Resolve_NumericUidInPasswd_UsesTheEntrysGroup()
    {
        var user = UserResolver.Resolve(rootfs.Path, "1000", []);

        Assert.That((user.Uid, user.Gid), Is.EqualTo((1000u, 1000u)));
    }

    [Test]
    public void Resolve_NumericUidNotInPasswd_UsesItWithGidZero()
    {
        var user = UserResolver.Resolve(rootfs.Path, "4242", []);

        Assert.That((user.Uid, user.Gid), Is.EqualTo((4242u, 0u)));
        Assert.That(user.AdditionalGids, Is.EqualTo(new uint[] { 0 }));
    }

    [Test]
    public void Resolve_UnknownUserName_ThrowsDockersMessage()
    {
        var ex = Assert.Throws<BerthException>(() => UserResolver.Resolve(rootfs.Path, "nobody", []))!;

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Is.EqualTo("unable to find user nobody: no matching entries in passwd file"));
    }

    [Test]
    public void Resolve_NameColonGroup_UsesThatGroupAndNoMemberships()
    {
        var user = UserResolver.Resolve(rootfs.Path, "app:audio", []);

        Assert.That((user.Uid, user.Gid), Is.EqualTo((1000u, 29u)));
        Assert.That(user.AdditionalGids, Is.EqualTo(new uint[] { 29 }));
    }

    [Test]
    public void Resolve_UidColonGid_UsesNumbersEvenWhenUnknown()
    {
        var user = UserResolver.Resolve(rootfs.Path, "5000:6000", []);

        Assert.That((user.Uid, user.Gid), Is.EqualTo((5000u, 6000u)));
    }

    [Test]
    public void Resolve_UnknownGroupName_ThrowsDockersMessage()
    {
        var ex = Assert.Throws<BerthException>(() => UserResolver.Resolve(rootfs.Path, "app:nogroup", []))!;

        Assert.That(ex.Message, Is.EqualTo("unable to find group nogroup: no matching entries in group file"));
    }

    [Test]
    public void Resolve_GroupAdd_AppendsNamedAndNumericGroups()
    {
        var user = UserResolver.Resolve(rootfs.Path, "daemon", ["video", "4000"]);

        Assert.That(user.AdditionalGids, Is.EqualTo(new uint[] { 1, 44, 4000 }));
    }

    [Test]
    public void Resolve_GroupAddUnknownName_Throws()
    {
        var ex = Assert.Throws<BerthException>(() => UserResolver.Resolve(rootfs.Path, "", ["staff"]))!;

        Assert.That(ex.Message, Is.EqualTo("unable to find group staff: no matching entries in group file"));
    }

    [Test]
    public void Resolve_UidOutOfRange_ThrowsRangeError()
    {
        var ex = Assert.Throws<BerthException>(() => UserResolver.Resolve(rootfs.Path, "-1", []))!;

        Assert.That(ex.Message, Is.EqualTo("uids and gids must be in range 0-2147483647"));
    }

    [Test]
    public void Resolve_NoPasswdFile_NumericWorksAndNamesFail()
    {
        var empty = Directory.CreateTempSubdirectory("berth-spec-empty-").FullName;
        try
        {
            Assert.That(UserResolver.Resolve(empty, "123:456", []).Uid, Is.EqualTo(123u));
            Assert.Throws<BerthException>(() => UserResolver.Resolve(empty, "app", []));
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Test]
    public void Resolve_PasswdSymlinkedAbsolutely_IsFollowedInsideTheRootfs()
    {
        var etc = Path.Combine(rootfs.Path, "etc");
        Directory.CreateDirectory(Path.Combine(rootfs.Path, "data"));
        File.Move(Path.Combine(etc, "passwd"), Path.Combine(rootfs.Path, "data", "passwd"));
        File.CreateSymbolicLink(Path.Combine(etc, "passwd"), "/../../data/passwd");

        Assert.That(UserResolver.Resolve(rootfs.Path, "app", []).Uid, Is.EqualTo(1000u));
    }
}
