using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Kernel.Cluster.Agent;
using Berth.Sdk.Cluster;

namespace Berth.Kernel.Tests.Cluster.Fakes;

/// <summary>Task documents for tests: the Engine API spec's Task example, with a ContainerSpec that uses most fields.</summary>
internal static class TaskJson
{
    public const string NodeId = "60gvrl6tm78dmak4yl7srz94v";
    public const string ServiceId = "9mnpnzenvg8p8tdbtq4wvbkcz";
    public const string ServiceName = "redis";

    /// <summary>From docker-engine-api-v1.50.yaml, definitions/Task/example, with its Spec filled in.</summary>
    public const string Example = """
    {
      "ID": "0kzzo1i0y4jz6027t0k7aezc7",
      "Version": { "Index": 71 },
      "CreatedAt": "2016-06-07T21:07:31.171892745Z",
      "UpdatedAt": "2016-06-07T21:07:31.376370513Z",
      "Labels": { "task.label": "from-task" },
      "Spec": {
        "ContainerSpec": {
          "Image": "redis",
          "Labels": { "app": "cache", "com.docker.swarm.task.id": "forged" },
          "Command": ["redis-server"],
          "Args": ["--appendonly", "yes"],
          "Hostname": "cache-host",
          "Env": ["MODE=primary"],
          "Dir": "/data",
          "User": "redis",
          "TTY": false,
          "OpenStdin": true,
          "Init": true,
          "StopSignal": "SIGINT",
          "StopGracePeriod": 30000000000,
          "Mounts": [ { "Type": "volume", "Source": "redis-data", "Target": "/data" } ],
          "Hosts": ["10.0.0.5 db.local db"],
          "DNSConfig": { "Nameservers": ["10.0.0.2"], "Search": ["example.org"], "Options": ["ndots:2"] },
          "Privileges": { "NoNewPrivileges": true },
          "Secrets": [ { "File": { "Name": "db_password", "UID": "0", "GID": "0", "Mode": 256 }, "SecretID": "sec1", "SecretName": "db_password" } ],
          "Configs": [ { "File": { "Name": "redis.conf", "UID": "0", "GID": "0", "Mode": 292 }, "ConfigID": "cfg1", "ConfigName": "redis_conf" } ]
        },
        "Resources": {
          "Limits": { "NanoCPUs": 500000000, "MemoryBytes": 104857600, "Pids": 64 },
          "Reservations": { "MemoryBytes": 52428800 }
        },
        "RestartPolicy": { "Condition": "any", "MaxAttempts": 0 },
        "Placement": {},
        "LogDriver": { "Name": "json-file", "Options": { "max-size": "10m" } },
        "Networks": [ { "Target": "4qvuz4ko70xaltuqbt8956gd1", "Aliases": ["cache"] } ]
      },
      "ServiceID": "9mnpnzenvg8p8tdbtq4wvbkcz",
      "Slot": 1,
      "NodeID": "60gvrl6tm78dmak4yl7srz94v",
      "Status": {
        "Timestamp": "2016-06-07T21:07:31.290032978Z",
        "State": "running",
        "Message": "started",
        "ContainerStatus": { "ContainerID": "e5d62702a1b48d01c3e02ca1e0212a250801fa8d67caca0b6f35919ebc12f035", "PID": 677 }
      },
      "DesiredState": "running",
      "NetworksAttachments": [
        {
          "Network": {
            "ID": "4qvuz4ko70xaltuqbt8956gd1",
            "Version": { "Index": 18 },
            "Spec": { "Name": "backend", "Labels": {}, "DriverConfiguration": {} },
            "DriverState": { "Name": "bridge" }
          },
          "Addresses": ["10.255.0.10/16"]
        }
      ],
      "AssignedGenericResources": [
        { "DiscreteResourceSpec": { "Kind": "SSD", "Value": 3 } },
        { "NamedResourceSpec": { "Kind": "GPU", "Value": "UUID1" } },
        { "NamedResourceSpec": { "Kind": "GPU", "Value": "UUID2" } }
      ]
    }
    """;

    public static JsonElement Example1 => JsonDocument.Parse(Example).RootElement.Clone();

    /// <summary>A plain task: busybox, no secrets or networks, in <paramref name="state"/> with <paramref name="desired"/>.</summary>
    public static JsonElement Simple(string id, string desired = "running", string state = "assigned", long slot = 1, Action<JsonObject>? edit = null)
    {
        var json = new JsonObject
        {
            ["ID"] = id,
            ["ServiceID"] = ServiceId,
            ["Slot"] = slot,
            ["NodeID"] = NodeId,
            ["DesiredState"] = desired,
            ["Status"] = new JsonObject { ["State"] = state, ["Message"] = state },
            ["Spec"] = new JsonObject
            {
                ["ContainerSpec"] = new JsonObject { ["Image"] = "busybox:latest", ["Args"] = new JsonArray("sleep", "3600"), ["StopGracePeriod"] = 2_000_000_000L },
            },
        };
        edit?.Invoke(json);
        return JsonSerializer.SerializeToElement(json);
    }

    public static NodeAssignments Assignments(string revision, params JsonElement[] tasks) =>
        new(revision, NodeId, tasks, new Dictionary<string, string> { [ServiceId] = ServiceName }, [], []);

    public static TaskAssignment Assignment(JsonElement task, IReadOnlyList<AssignedFile>? secrets = null, IReadOnlyList<AssignedFile>? configs = null) =>
        TaskAssignment.Of(AssignedTask.Parse(task), new NodeAssignments("r1", NodeId, [task], new Dictionary<string, string> { [ServiceId] = ServiceName },
            secrets ?? [], configs ?? []));
}
