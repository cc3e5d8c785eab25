using System.Text.Json;
using Berth.Sdk.Cluster;
using Berth.Sdk.Logging;

namespace Berth.Sdk.Tests.Cluster;

/// <summary>
/// A backend written against cluster/1.0 (no ReadTaskLogsAsync) still compiles and loads against this SDK: members a
/// minor adds have default bodies. This class is that backend; it compiling is half of the test.
/// </summary>
public class ClusterBackendMinorsTests
{
    [Test]
    public void ReadTaskLogsAsync_BackendWrittenForOnePointZero_ThrowsNotImplemented()
    {
        IClusterBackend backend = new OnePointZeroBackend();

        var error = Assert.ThrowsAsync<BerthException>(() => backend.ReadTaskLogsAsync(new TaskLogsRequest(["task"], new ReadConfig(null, null, -1, false)), CancellationToken.None));

        Assert.That(error!.Kind, Is.EqualTo(BerthErrorKind.NotImplemented));
        Assert.That(error.Message, Does.Contain("cluster/1.1"));
    }

    private sealed class OnePointZeroBackend : IClusterBackend
    {
        public Task<SwarmStatus> GetStatusAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<string> InitAsync(JsonElement request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task JoinAsync(JsonElement request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task LeaveAsync(bool force, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<JsonElement> InspectAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task UpdateAsync(long version, JsonElement spec, SwarmUpdateFlags flags, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task UnlockAsync(string unlockKey, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<string> GetUnlockKeyAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<JsonElement> ListAsync(string kind, JsonElement filters, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<JsonElement> GetAsync(string kind, string idOrName, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<JsonElement> CreateAsync(string kind, JsonElement spec, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<JsonElement> UpdateObjectAsync(string kind, string idOrName, long version, JsonElement spec, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task RemoveAsync(string kind, string idOrName, bool force, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<NodeAssignments> GetAssignmentsAsync(string knownRevision, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task ReportTaskStatusAsync(IReadOnlyList<TaskStatusReport> reports, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
