using Berth.Sdk.Protocol;

namespace Berth.Sdk.Tests.Protocol;

public class WireNamesTests
{
    [TestCase("GraphDriver.", "ApplyDiffAsync", "GraphDriver.ApplyDiff")]
    [TestCase("LogDriver.", "StartLoggingAsync", "LogDriver.StartLogging")]
    [TestCase("Plugin.", "Activate", "Plugin.Activate")]
    [TestCase("Plugin.", "Async", "Plugin.")]
    [TestCase("X.", "AsyncRead", "X.AsyncRead")]
    public void Method_ClrName_DropsTrailingAsyncAndAddsPrefix(string prefix, string clrName, string expected)
    {
        Assert.That(WireNames.Method(prefix, clrName), Is.EqualTo(expected));
    }
}
