using Berth.Kernel.Api.Cluster;
using Berth.Sdk;
using Microsoft.AspNetCore.Http;

namespace Berth.Kernel.Tests.Cluster.Api;

public class ClusterQueryTests
{
    private static DefaultHttpContext With(string query)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?" + query);
        return context;
    }

    [TestCase("version=0", 0)]
    [TestCase("version=71", 71)]
    [TestCase("version=9223372036854775807", long.MaxValue)]
    public void Version_Number_Parses(string query, long expected)
    {
        Assert.That(ClusterQuery.Version(With(query), "service"), Is.EqualTo(expected));
    }

    [TestCase("", "swarm", "invalid swarm version '': strconv.ParseUint: parsing \"\": invalid syntax")]
    [TestCase("version=-1", "node", "invalid node version '-1': strconv.ParseUint: parsing \"-1\": invalid syntax")]
    [TestCase("version=%2B5", "service", "invalid service version '+5': strconv.ParseUint: parsing \"+5\": invalid syntax")]
    [TestCase("version=abc", "service", "invalid service version 'abc': strconv.ParseUint: parsing \"abc\": invalid syntax")]
    [TestCase("version=99999999999999999999", "swarm", "invalid swarm version '99999999999999999999': strconv.ParseUint: parsing \"99999999999999999999\": value out of range")]
    [TestCase("version=x", "secret", "invalid secret version")]
    [TestCase("", "config", "invalid config version")]
    public void Version_MissingOrInvalid_BadRequestWithMobysMessage(string query, string noun, string message)
    {
        var error = Assert.Throws<BerthException>(() => ClusterQuery.Version(With(query), noun));

        Assert.That(error!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(error.Message, Is.EqualTo(message));
    }

    [TestCase("rotateWorkerToken=true", true)]
    [TestCase("rotateWorkerToken=1", true)]
    [TestCase("rotateWorkerToken=T", true)]
    [TestCase("rotateWorkerToken=False", false)]
    [TestCase("rotateWorkerToken=", false)]
    [TestCase("other=true", false)]
    public void Flag_GoBooleans_Parse(string query, bool expected)
    {
        Assert.That(ClusterQuery.Flag(With(query), "rotateWorkerToken"), Is.EqualTo(expected));
    }

    [Test]
    public void Flag_NotABoolean_BadRequest()
    {
        var error = Assert.Throws<BerthException>(() => ClusterQuery.Flag(With("rotateManagerToken=yes"), "rotateManagerToken"));

        Assert.That(error!.Message, Is.EqualTo("invalid value for rotateManagerToken: yes"));
    }

    [Test]
    public void WrappedFlag_NotABoolean_CarriesStrconvsError()
    {
        var error = Assert.Throws<BerthException>(() => ClusterQuery.WrappedFlag(With("status=maybe"), "status"));

        Assert.That(error!.Message, Is.EqualTo("invalid value for status: maybe: strconv.ParseBool: parsing \"maybe\": invalid syntax"));
    }
}
