using System.Text.Json.Nodes;
using Berth.Kernel.Cluster.Agent;
using Berth.Kernel.Tests.Cluster.Fakes;

namespace Berth.Kernel.Tests.Cluster.Agent;

public class TaskContainerConfigTests
{
    private const string TaskId = "0kzzo1i0y4jz6027t0k7aezc7";
    private static readonly TaskFileMount[] Files =
    [
        new("/run/berth/swarm/tasks/t/secrets/0-sec1", "/run/secrets/db_password"),
        new("/run/berth/swarm/tasks/t/configs/0-cfg1", "/redis.conf"),
    ];

    private static TaskAssignment Example => TaskJson.Assignment(TaskJson.Example1);

    private static string[] Strings(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

    [Test]
    public void NameOf_ReplicatedTask_IsServiceSlotTaskId()
    {
        Assert.That(TaskContainerConfig.NameOf(Example), Is.EqualTo($"redis.1.{TaskId}"));
    }

    [Test]
    public void NameOf_GlobalTask_UsesTheNodeIdForTheSlot()
    {
        var global = TaskJson.Assignment(TaskJson.Simple("gt1", slot: 0));

        Assert.That(TaskContainerConfig.NameOf(global), Is.EqualTo($"redis.{TaskJson.NodeId}.gt1"));
    }

    [Test]
    public void LabelsOf_ExampleTask_SpecLabelsTaskLabelsThenSwarmLabelsWin()
    {
        var labels = TaskContainerConfig.LabelsOf(Example);

        Assert.That(labels, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["app"] = "cache",
            ["task.label"] = "from-task",
            ["com.docker.swarm.task"] = "",
            ["com.docker.swarm.task.id"] = TaskId,
            ["com.docker.swarm.task.name"] = $"redis.1.{TaskId}",
            ["com.docker.swarm.node.id"] = TaskJson.NodeId,
            ["com.docker.swarm.service.id"] = TaskJson.ServiceId,
            ["com.docker.swarm.service.name"] = "redis",
        }));
    }

    [Test]
    public void Build_ExampleTask_MapsTheContainerSpec()
    {
        var body = TaskContainerConfig.Build(Example, Files);

        Assert.That(body["Image"]!.GetValue<string>(), Is.EqualTo("redis:latest"));
        Assert.That(Strings(body["Entrypoint"]), Is.EqualTo(new[] { "redis-server" }));
        Assert.That(Strings(body["Cmd"]), Is.EqualTo(new[] { "--appendonly", "yes" }));
        Assert.That(Strings(body["Env"]), Is.EqualTo(new[] { "MODE=primary", "DOCKER_RESOURCE_GPU=UUID1,UUID2", "DOCKER_RESOURCE_SSD=3" }));
        Assert.That(body["Hostname"]!.GetValue<string>(), Is.EqualTo("cache-host"));
        Assert.That(body["User"]!.GetValue<string>(), Is.EqualTo("redis"));
        Assert.That(body["WorkingDir"]!.GetValue<string>(), Is.EqualTo("/data"));
        Assert.That(body["StopSignal"]!.GetValue<string>(), Is.EqualTo("SIGINT"));
        Assert.That(body["Tty"]!.GetValue<bool>(), Is.False);
        Assert.That(body["OpenStdin"]!.GetValue<bool>(), Is.True);
        Assert.That(body["Labels"]!["com.docker.swarm.task.id"]!.GetValue<string>(), Is.EqualTo(TaskId));
    }

    [Test]
    public void Build_ExampleTask_MapsResourcesLoggingAndHostOptions()
    {
        var host = TaskContainerConfig.Build(Example, Files)["HostConfig"]!;

        Assert.That(host["RestartPolicy"]!["Name"]!.GetValue<string>(), Is.EqualTo("no"));
        Assert.That(host["Init"]!.GetValue<bool>(), Is.True);
        Assert.That(host["Memory"]!.GetValue<long>(), Is.EqualTo(104857600));
        Assert.That(host["NanoCpus"]!.GetValue<long>(), Is.EqualTo(500000000));
        Assert.That(host["PidsLimit"]!.GetValue<long>(), Is.EqualTo(64));
        Assert.That(host["MemoryReservation"]!.GetValue<long>(), Is.EqualTo(52428800));
        Assert.That(host["LogConfig"]!.ToJsonString(), Is.EqualTo("""{"Type":"json-file","Config":{"max-size":"10m"}}"""));
        Assert.That(Strings(host["ExtraHosts"]), Is.EqualTo(new[] { "db.local:10.0.0.5" }));
        Assert.That(Strings(host["Dns"]), Is.EqualTo(new[] { "10.0.0.2" }));
        Assert.That(Strings(host["DnsSearch"]), Is.EqualTo(new[] { "example.org" }));
        Assert.That(Strings(host["DnsOptions"]), Is.EqualTo(new[] { "ndots:2" }));
        Assert.That(Strings(host["SecurityOpt"]), Is.EqualTo(new[] { "no-new-privileges=true" }));
    }

    [Test]
    public void Build_ExampleTask_SpecMountsThenReadOnlyBindsForSecretsAndConfigs()
    {
        var mounts = TaskContainerConfig.Build(Example, Files)["HostConfig"]!["Mounts"]!.AsArray().Select(m => m!.ToJsonString()).ToList();

        Assert.That(mounts, Is.EqualTo(new[]
        {
            """{"Type":"volume","Source":"redis-data","Target":"/data"}""",
            """{"Type":"bind","Source":"/run/berth/swarm/tasks/t/secrets/0-sec1","Target":"/run/secrets/db_password","ReadOnly":true}""",
            """{"Type":"bind","Source":"/run/berth/swarm/tasks/t/configs/0-cfg1","Target":"/redis.conf","ReadOnly":true}""",
        }));
    }

    [Test]
    public void Build_NetworkTarget_JoinsTheAttachmentsNetworkByNameWithAliases()
    {
        var body = TaskContainerConfig.Build(Example, Files);

        Assert.That(body["HostConfig"]!["NetworkMode"]!.GetValue<string>(), Is.EqualTo("backend"));
        Assert.That(body["NetworkingConfig"]!.ToJsonString(), Is.EqualTo("""{"EndpointsConfig":{"backend":{"Aliases":["redis","tasks.redis","cache"]}}}"""));
    }

    [Test]
    public void Build_NoNetworks_LeavesTheDaemonsDefaultNetwork()
    {
        var body = TaskContainerConfig.Build(TaskJson.Assignment(TaskJson.Simple("t1")), []);

        Assert.That(body["HostConfig"]!["NetworkMode"], Is.Null);
        Assert.That(body["NetworkingConfig"], Is.Null);
        Assert.That(body["HostConfig"]!["Mounts"], Is.Null);
    }

    [Test]
    public void Build_ArgsWithoutCommand_KeepsTheImageEntrypoint()
    {
        var body = TaskContainerConfig.Build(TaskJson.Assignment(TaskJson.Simple("t1")), []);

        Assert.That(body["Entrypoint"], Is.Null);
        Assert.That(Strings(body["Cmd"]), Is.EqualTo(new[] { "sleep", "3600" }));
        Assert.That(body["Image"]!.GetValue<string>(), Is.EqualTo("busybox:latest"));
    }

    [Test]
    public void Build_HostModePort_ExposesAndPublishesIt()
    {
        var task = TaskJson.Simple("t1", edit: t => t["Endpoint"] = JsonNode.Parse("""
            {"Ports":[{"Protocol":"tcp","TargetPort":80,"PublishedPort":8080,"PublishMode":"host"},
                      {"Protocol":"udp","TargetPort":53,"PublishMode":"host"},
                      {"Protocol":"tcp","TargetPort":443,"PublishedPort":30443,"PublishMode":"ingress"}]}
            """));

        var body = TaskContainerConfig.Build(TaskJson.Assignment(task), []);

        Assert.That(body["ExposedPorts"]!.ToJsonString(), Is.EqualTo("""{"53/udp":{},"80/tcp":{}}"""));
        Assert.That(body["HostConfig"]!["PortBindings"]!.ToJsonString(),
            Is.EqualTo("""{"53/udp":[{"HostIp":"","HostPort":""}],"80/tcp":[{"HostIp":"","HostPort":"8080"}]}"""));
    }

    [Test]
    public void StopGracePeriod_ExampleAndDefault_FromNanosecondsOrTenSeconds()
    {
        Assert.That(Example.Task.StopGracePeriod, Is.EqualTo(TimeSpan.FromSeconds(30)));
        var withoutGrace = TaskJson.Simple("t1", edit: t => t["Spec"]!["ContainerSpec"]!.AsObject().Remove("StopGracePeriod"));
        Assert.That(AssignedTask.Parse(withoutGrace).StopGracePeriod, Is.EqualTo(TimeSpan.FromSeconds(10)));
    }
}
