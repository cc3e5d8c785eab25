namespace Berth.Sdk.Tests;

public class BerthExceptionTests
{
    [Test]
    public void Factories_EachHelper_SetsItsKindAndMessage()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BerthException.NotFound("a").Kind, Is.EqualTo(BerthErrorKind.NotFound));
            Assert.That(BerthException.Invalid("b").Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(BerthException.Conflict("c").Kind, Is.EqualTo(BerthErrorKind.Conflict));
            Assert.That(BerthException.NotImplemented("d").Kind, Is.EqualTo(BerthErrorKind.NotImplemented));
            Assert.That(BerthException.Unavailable("e").Kind, Is.EqualTo(BerthErrorKind.Unavailable));
            Assert.That(BerthException.Unavailable("e").Message, Is.EqualTo("e"));
        });
    }

    [Test]
    public void Constructor_MessageOnly_IsSystemError()
    {
        var inner = new IOException("disk");
        var ex = new BerthException("boom", inner);

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.System));
        Assert.That(ex.InnerException, Is.SameAs(inner));
        Assert.That(new BerthException().Kind, Is.EqualTo(BerthErrorKind.System));
    }
}
