using Berth.Kernel.Containers.Logs;
using Berth.Sdk.Logging;

namespace Berth.Kernel.Tests.Containers.Logs;

public class DaemonLogOptionsTests
{
    [Test]
    public void ForDriver_ModeBufferAndCacheOptions_RemovedOthersKept()
    {
        var info = Info(new Dictionary<string, string>
        {
            ["mode"] = "non-blocking", ["max-buffer-size"] = "4m", ["cache-disabled"] = "true", ["cache-max-size"] = "10m", ["max-days"] = "3", ["cache-dir"] = "/x",
        });

        var forDriver = DaemonLogOptions.ForDriver(info);

        Assert.That(forDriver.Config, Is.EqualTo(new Dictionary<string, string> { ["max-days"] = "3", ["cache-dir"] = "/x" }), "a driver's own cache-dir is not the daemon's");
        Assert.That(forDriver with { Config = info.Config }, Is.EqualTo(info), "nothing else changes");
    }

    [Test]
    public void ForDriver_NoDaemonOptions_SameInfo()
    {
        var info = Info(new Dictionary<string, string> { ["max-size"] = "1m" });

        Assert.That(DaemonLogOptions.ForDriver(info), Is.SameAs(info));
    }

    private static LogInfo Info(IReadOnlyDictionary<string, string> options) => new(
        options, new string('a', 64), "/c", "sh", [], "sha256:" + new string('f', 64), "busybox", DateTimeOffset.UnixEpoch,
        [], new Dictionary<string, string>(), "/var/lib/berth/containers/a/a-json.log", "berth");
}
