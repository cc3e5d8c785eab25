#!/usr/bin/env pwsh
# Berth build script: build | test | publish | run | demo | bench | pack | pack-plugin
# Runs under PowerShell installed as a local dotnet tool: `dotnet tool restore && dotnet pwsh ./build.ps1 <task>`.
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'publish', 'run', 'demo', 'bench', 'pack', 'pack-plugin')]
    [string]$Task = 'build',
    [Parameter(Position = 1, ValueFromRemainingArguments = $true)]
    [string[]]$Rest = @()
)

$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $true
$Root = $PSScriptRoot
$Artifacts = Join-Path $Root 'artifacts'
$Daemon = Join-Path $Artifacts 'berthd'
$Configuration = if ($env:CONFIGURATION) { $env:CONFIGURATION } else { 'Release' }
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

# The bundled plugins: folder under plugins/ and project inside it.
$BundledPlugins = @(
    @{ Name = 'overlay'; Project = 'plugins/overlay/Berth.Plugins.Overlay/Berth.Plugins.Overlay.csproj' },
    @{ Name = 'bridge-net'; Project = 'plugins/bridge-net/Berth.Plugins.BridgeNet/Berth.Plugins.BridgeNet.csproj' },
    @{ Name = 'json-log'; Project = 'plugins/json-log/Berth.Plugins.JsonLog/Berth.Plugins.JsonLog.csproj' },
    @{ Name = 'swarmkit'; Project = 'plugins/swarmkit/Berth.Plugins.Swarmkit/Berth.Plugins.Swarmkit.csproj' }
)

function Step([string]$Message) { Write-Host "==> $Message" -ForegroundColor Cyan }

# Installs the Debian packages a task needs, once, when their commands are missing.
function Install-DebianPackages([hashtable]$CommandToPackage) {
    $missing = @($CommandToPackage.GetEnumerator() | Where-Object { -not (Get-Command $_.Key -ErrorAction SilentlyContinue) } | ForEach-Object { $_.Value } | Sort-Object -Unique)
    if ($missing.Count -eq 0) { return }
    if ((id -u) -ne '0') { throw "missing Debian packages: $($missing -join ' ') (run as root or install them first)" }
    Step "apt-get install $($missing -join ' ')"
    $env:DEBIAN_FRONTEND = 'noninteractive'
    & apt-get update -qq | Out-Null
    & apt-get install -y -qq @missing | Out-Null
}

# Moby's dockerd (Debian's docker.io) for the side-by-side interop tests. Best effort: without it those tests skip.
# Its service is kept from starting (policy-rc.d), so installing it adds no system daemon, bridge or iptables rules.
function Install-MobyForInterop {
    if (Test-Path '/usr/sbin/dockerd') { return }
    if ((id -u) -ne '0') { Write-Host 'dockerd is missing and this is not root: the Moby interop tests will be skipped' -ForegroundColor Yellow; return }
    Step 'apt-get install docker.io (Moby, for the interop tests; its service is not started)'
    $policy = '/usr/sbin/policy-rc.d'
    $hadPolicy = Test-Path $policy
    try {
        if (-not $hadPolicy) { Set-Content $policy "#!/bin/sh`nexit 101`n"; & chmod 755 $policy }
        $env:DEBIAN_FRONTEND = 'noninteractive'
        & apt-get update -qq | Out-Null
        & apt-get install -y -qq --no-install-recommends docker.io | Out-Null
        if ($LASTEXITCODE -ne 0) { Write-Host 'docker.io could not be installed: the Moby interop tests will be skipped' -ForegroundColor Yellow }
    }
    finally {
        if (-not $hadPolicy) { Remove-Item $policy -ErrorAction SilentlyContinue }
    }
}

function Get-DockerCli {
    foreach ($candidate in @('/usr/local/bin/docker', (Get-Command docker -ErrorAction SilentlyContinue).Source)) {
        if ($candidate -and (Test-Path $candidate)) { return $candidate }
    }
    Install-DebianPackages @{ docker = 'docker-cli' }
    return (Get-Command docker).Source
}

function Invoke-Build {
    Step "dotnet build ($Configuration)"
    & dotnet build (Join-Path $Root 'Berth.slnx') -c $Configuration -nologo -v quiet
}

# Makes a plugin package folder (config.json + rootfs/) from a plugin project.
function New-PluginPackage([string]$Project, [string]$Output) {
    $projectDir = Split-Path (Join-Path $Root $Project) -Parent
    $config = Join-Path (Split-Path $projectDir -Parent) 'config.json'
    if (-not (Test-Path $config)) { $config = Join-Path $projectDir 'config.json' }
    if (-not (Test-Path $config)) { throw "no config.json beside $Project" }
    if (Test-Path $Output) { Remove-Item -Recurse -Force $Output }
    New-Item -ItemType Directory -Force -Path $Output | Out-Null
    & dotnet publish (Join-Path $Root $Project) -c $Configuration -o (Join-Path $Output 'rootfs') -nologo -v quiet -p:GenerateDocumentationFile=false
    Copy-Item $config (Join-Path $Output 'config.json')
}

# The SDK as NuGet packages and the dotnet new template, for driver authors outside this repository.
$SdkProjects = @(
    'sdk/Berth.Sdk/Berth.Sdk.csproj',
    'sdk/Berth.Sdk.Hosting/Berth.Sdk.Hosting.csproj',
    'sdk/Berth.Sdk.Storage/Berth.Sdk.Storage.csproj',
    'sdk/Berth.Sdk.Logs/Berth.Sdk.Logs.csproj',
    'sdk/Berth.Sdk.Testing/Berth.Sdk.Testing.csproj'
)
$Packages = Join-Path $Artifacts 'packages'

# artifacts/packages: Berth.Sdk*, Berth.Sdk.Testing and Berth.Templates, whose defaults point at this folder as the feed.
function Invoke-Pack {
    Step "dotnet pack the SDK into $Packages"
    if (Test-Path $Packages) { Remove-Item -Recurse -Force $Packages }
    foreach ($project in $SdkProjects) {
        & dotnet pack (Join-Path $Root $project) -c $Configuration -o $Packages -nologo -v quiet
    }
    $version = (& dotnet msbuild (Join-Path $Root 'sdk/Berth.Sdk/Berth.Sdk.csproj') -getProperty:Version).Trim()
    # Every pack rebuilds the same version: drop what an earlier restore cached, so projects restore what was just packed.
    $cache = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    foreach ($project in $SdkProjects) {
        $id = [IO.Path]::GetFileNameWithoutExtension($project).ToLowerInvariant()
        Remove-Item -Recurse -Force (Join-Path $cache "$id/$version") -ErrorAction SilentlyContinue
    }
    Step "pack the dotnet new template (SDK $version)"
    $staging = Join-Path $Artifacts 'template-staging'
    if (Test-Path $staging) { Remove-Item -Recurse -Force $staging }
    Copy-Item -Recurse (Join-Path $Root 'sdk/templates') $staging
    $templateJson = Join-Path $staging 'berth-driver/.template.config/template.json'
    (Get-Content $templateJson -Raw).Replace('BERTH_SDK_VERSION_DEFAULT', $version).Replace('BERTH_SDK_FEED_DEFAULT', $Packages) | Set-Content $templateJson
    & dotnet pack (Join-Path $staging 'Berth.Templates.csproj') -c $Configuration -o $Packages -nologo -v quiet "-p:Version=$version"
    Remove-Item -Recurse -Force $staging
    Write-Host "packages: $Packages  (dotnet new install $Packages/Berth.Templates.$version.nupkg)"
}

# What berthd needs at run time to run containers: the OCI runtime, conmon (the per-container monitor) and iptables
# (the bridge driver's NAT and isolation rules).
function Install-RuntimePackages {
    Install-DebianPackages @{ runc = 'runc'; conmon = 'conmon'; iptables = 'iptables' }
}

function Invoke-Publish {
    Install-RuntimePackages
    Step "publish berthd and berth-plugin-host to $Daemon"
    if (Test-Path $Daemon) { Remove-Item -Recurse -Force $Daemon }
    # ReadyToRun: precompiled daemon and host start faster (bench/README.md: start-up). Plugins stay portable IL.
    $arch = if ([Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'Arm64') { 'arm64' } else { 'x64' }
    $r2r = @('-r', "linux-$arch", '--self-contained', 'false', '-p:PublishReadyToRun=true')
    & dotnet publish (Join-Path $Root 'kernel/Berthd.csproj') -c $Configuration -o $Daemon -nologo -v quiet @r2r
    & dotnet publish (Join-Path $Root 'sdk/Berth.PluginHost/Berth.PluginHost.csproj') -c $Configuration -o $Daemon -nologo -v quiet @r2r
    foreach ($plugin in $BundledPlugins) {
        Step "pack bundled plugin $($plugin.Name)"
        New-PluginPackage $plugin.Project (Join-Path $Daemon "plugins/$($plugin.Name)")
    }
    Get-ChildItem $Daemon -Recurse -Filter '*.pdb' | Remove-Item -Force
}

# The test plugin packages (deliberately misbehaving) used by the integration tests.
$TestPlugins = @(
    @{ Name = 'throwing'; Project = 'tests/TestPlugins/Berth.TestPlugins.Throwing/Berth.TestPlugins.Throwing.csproj' },
    @{ Name = 'hanging'; Project = 'tests/TestPlugins/Berth.TestPlugins.Hanging/Berth.TestPlugins.Hanging.csproj' },
    @{ Name = 'write-only-log'; Project = 'tests/TestPlugins/Berth.TestPlugins.WriteOnlyLog/Berth.TestPlugins.WriteOnlyLog.csproj' }
)

# Test suites, fastest first. Unit suites need no root; the integration suite starts real daemons.
$TestProjects = @(
    'tests/Berth.Sdk.Tests/Berth.Sdk.Tests.csproj',
    'tests/Berth.Sdk.Networking.Tests/Berth.Sdk.Networking.Tests.csproj',
    'tests/Berth.Plugins.Tests/Berth.Plugins.Tests.csproj',
    'tests/Berth.Kernel.Tests/Berth.Kernel.Tests.csproj',
    'tests/Berth.Conformance.Tests/Berth.Conformance.Tests.csproj',
    'tests/Berth.Integration.Tests/Berth.Integration.Tests.csproj'
)

function Invoke-Test {
    Install-DebianPackages @{ curl = 'curl'; busybox = 'busybox-static'; 'docker-registry' = 'docker-registry' }
    Install-MobyForInterop
    $null = Get-DockerCli
    Invoke-Build
    Invoke-Publish
    foreach ($plugin in $TestPlugins) {
        New-PluginPackage $plugin.Project (Join-Path $Artifacts "test-plugins/$($plugin.Name)")
    }
    Invoke-Pack
    $PSNativeCommandUseErrorActionPreference = $false  # failing suites are counted below, not thrown
    $results = Join-Path $Artifacts 'test-results'
    if (Test-Path $results) { Remove-Item -Recurse -Force $results }
    $env:BERTH_ROOT = $Root
    $failedRuns = 0
    foreach ($project in $TestProjects) {
        $name = [IO.Path]::GetFileNameWithoutExtension($project)
        Step "test $name"
        & dotnet test (Join-Path $Root $project) -c $Configuration --no-build --nologo `
            --logger "trx;LogFileName=$name.trx" --logger 'console;verbosity=normal' --results-directory $results
        if ($LASTEXITCODE -ne 0) { $failedRuns++ }
    }
    # The example drivers build from the packed SDK alone, as a driver outside this repository does, and run the kit.
    $examples = @(Get-ChildItem (Join-Path $Root 'sdk/examples') -Filter '*.slnx' -Recurse)
    $sdkVersion = (& dotnet msbuild (Join-Path $Root 'sdk/Berth.Sdk/Berth.Sdk.csproj') -getProperty:Version).Trim()
    foreach ($example in $examples) {
        $name = $example.BaseName
        Step "test example $name (against the packed SDK)"
        & dotnet test $example.FullName -c $Configuration --nologo "-p:BerthSdkVersion=$sdkVersion" `
            --logger "trx;LogFileName=$name.trx" --logger 'console;verbosity=normal' --results-directory $results
        if ($LASTEXITCODE -ne 0) { $failedRuns++ }
    }
    # One closing line over every suite, counted from the TRX files.
    $passed = 0; $failed = 0; $skipped = 0
    foreach ($trx in Get-ChildItem $results -Filter '*.trx' -ErrorAction SilentlyContinue) {
        $counters = ([xml](Get-Content $trx.FullName -Raw)).TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        $skipped += [int]$counters.notExecuted
    }
    $ranSuites = @(Get-ChildItem $results -Filter '*.trx' -ErrorAction SilentlyContinue).Count
    $expectedSuites = $TestProjects.Count + $examples.Count
    if ($ranSuites -lt $expectedSuites) { $failed += $expectedSuites - $ranSuites }
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0 -or $failedRuns -gt 0 -or $passed -eq 0) { exit 1 }
}

# Writes a busybox rootfs tarball from Debian's busybox-static (the demo's and the tests' image source).
function New-BusyboxRootfs([string]$Tarball) {
    Install-DebianPackages @{ busybox = 'busybox-static' }
    $busybox = (Get-Command busybox).Source
    $dir = Join-Path ([IO.Path]::GetTempPath()) ("busybox-rootfs." + [Guid]::NewGuid().ToString('N'))
    try {
        foreach ($sub in 'bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'root') { New-Item -ItemType Directory -Force (Join-Path $dir $sub) | Out-Null }
        Copy-Item $busybox (Join-Path $dir 'bin/busybox')
        foreach ($applet in (& $busybox --list)) {
            if ($applet -ne 'busybox') { & ln -sf busybox (Join-Path $dir "bin/$applet") }
        }
        Set-Content (Join-Path $dir 'etc/passwd') 'root:x:0:0:root:/root:/bin/sh'
        Set-Content (Join-Path $dir 'etc/group') 'root:x:0:'
        & tar -C $dir -cf $Tarball .
    }
    finally { Remove-Item -Recurse -Force $dir }
}

# Stops a berthd by the PID in its pid file (only the one this script started on the default paths).
function Stop-Berthd([string]$PidFile) {
    if (-not (Test-Path $PidFile)) { return }
    $pidText = (Get-Content $PidFile -Raw).Trim()
    if ($pidText -and (Test-Path "/proc/$pidText")) {
        Step "stopping berthd (pid $pidText)"
        & kill -TERM $pidText
        for ($i = 0; $i -lt 80 -and (Test-Path "/proc/$pidText"); $i++) { Start-Sleep -Milliseconds 250 }
    }
}

function Invoke-Demo {
    Install-DebianPackages @{ busybox = 'busybox-static'; curl = 'curl'; 'docker-registry' = 'docker-registry' }
    $docker = Get-DockerCli
    Invoke-Publish
    $pidFile = '/run/berth/berthd.pid'
    $socket = '/run/berth/berth.sock'
    $log = '/var/log/berthd.log'
    Stop-Berthd $pidFile
    $PSNativeCommandUseErrorActionPreference = $false  # the demo shows the daemon's answers, errors included
    Step "starting berthd on the embedded default (data /var/lib/berth, socket $socket, log $log)"
    New-Item -ItemType Directory -Force (Split-Path $log) | Out-Null
    $daemon = Start-Process -FilePath (Join-Path $Daemon 'berthd') -RedirectStandardError $log -RedirectStandardOutput '/dev/null' -PassThru
    $env:DOCKER_HOST = "unix://$socket"
    for ($i = 0; $i -lt 120; $i++) {
        & $docker version *> $null
        if ($LASTEXITCODE -eq 0) { break }
        if ($daemon.HasExited) { Get-Content $log -Tail 20; throw "berthd exited with $($daemon.ExitCode)" }
        Start-Sleep -Milliseconds 250
    }
    Step 'docker version'
    & $docker version
    Step 'docker info'
    & $docker info
    Step 'docker plugin ls (each driver is its own supervised process)'
    & $docker plugin ls
    & ps -o pid,rss,args --ppid $daemon.Id

    $victim = (& pgrep -P $daemon.Id -f 'berth-plugin-host json-log' | Select-Object -First 1)
    if ($victim) {
        Step "kill -9 the json-log plugin process ($victim): the daemon keeps answering and restarts it"
        & kill -9 $victim
        Start-Sleep -Seconds 2
        & $docker plugin inspect json-log --format 'json-log: {{.Status.State}}, pid {{.Status.Pid}}, restarts {{.RestartCount}}'
        & $docker events --since 0 --until ([DateTimeOffset]::UtcNow.ToUnixTimeSeconds() + 1) --filter type=plugin --filter plugin=json-log
    }

    $tarball = Join-Path $Artifacts 'busybox-rootfs.tar'
    Step "busybox image from Debian's busybox-static ($tarball)"
    New-BusyboxRootfs $tarball
    & $docker import --change 'CMD ["sh"]' $tarball busybox:latest
    Step 'docker images; docker history busybox'
    & $docker images
    & $docker history busybox:latest
    Invoke-RegistryRoundTrip $docker
    Step 'docker run --rm --network none busybox echo hello from berth'
    & $docker run --rm --network none busybox:latest echo hello from berth
    Step 'a detached container: logs, exec, stats, stop, rm'
    & $docker rm -f demo-ticker 2>$null | Out-Null
    & $docker run -d --network none --name demo-ticker --memory 64m busybox:latest sh -c 'i=0; while true; do echo tick-$i; i=$((i+1)); sleep 0.5; done'
    Start-Sleep -Seconds 2
    & $docker logs --tail 3 demo-ticker
    & $docker exec demo-ticker sh -c 'echo "in the container: $(hostname), pid 1 is $(cat /proc/1/comm)"'
    & $docker stats --no-stream demo-ticker
    & $docker stop -t 1 demo-ticker
    & $docker ps -a --filter name=demo-ticker
    & $docker rm demo-ticker
    Step 'a volume outlives its containers'
    & $docker run --rm --network none -v demo-data:/data busybox:latest sh -c 'date > /data/first-run'
    & $docker run --rm --network none -v demo-data:/data busybox:latest cat /data/first-run
    & $docker volume rm demo-data
    Write-Host 'Networking (the default bridge network) arrives with the bridge-net plugin; use --network none or host for now.' -ForegroundColor Yellow
    Write-Host ""
    Write-Host "berthd keeps running (pid $($daemon.Id)). Try: DOCKER_HOST=unix://$socket docker plugin ls"
    Write-Host "Stop it with: kill $($daemon.Id)"
}

# Pushes busybox to a throw-away registry (Debian's docker-registry on loopback), removes it and pulls it back.
function Invoke-RegistryRoundTrip([string]$Docker) {
    $dir = Join-Path ([IO.Path]::GetTempPath()) ("berth-demo-registry." + [Guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Force $dir | Out-Null
    $port = 5055
    Set-Content (Join-Path $dir 'config.yml') "version: 0.1`nlog: {level: error}`nstorage: {filesystem: {rootdirectory: $dir/data}}`nhttp: {addr: 127.0.0.1:$port}`n"
    $registry = Start-Process -FilePath 'docker-registry' -ArgumentList 'serve', (Join-Path $dir 'config.yml') -RedirectStandardError (Join-Path $dir 'log') -RedirectStandardOutput '/dev/null' -PassThru
    try {
        Start-Sleep -Milliseconds 500
        $remote = "127.0.0.1:$port/demo/busybox:latest"
        Step "docker push $remote, docker rmi, docker pull (same image id comes back)"
        & $Docker tag busybox:latest $remote
        & $Docker push $remote
        & $Docker rmi $remote
        & $Docker pull $remote
        & $Docker images --digests
    }
    finally {
        & kill $registry.Id
        Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
    }
}

function Invoke-Run {
    Invoke-Publish
    Step "berthd $($Rest -join ' ')"
    & (Join-Path $Daemon 'berthd') @Rest
}

function Invoke-Bench {
    Invoke-Publish
    Step 'BenchmarkDotNet: plugin round trips and bulk channel'
    & dotnet run -c Release --project (Join-Path $Root 'bench/Berth.Benchmarks/Berth.Benchmarks.csproj') -- --filter '*' @Rest
    foreach ($script in 'startup.sh', 'idle-rss.sh', 'pull.sh') {
        Step "bench/scripts/$script"
        & bash (Join-Path $Root "bench/scripts/$script")
    }
}

switch ($Task) {
    'test' { Invoke-Test }
    'demo' { Invoke-Demo }
    'run' { Invoke-Run }
    'bench' { Invoke-Bench }
    'build' { Invoke-Build }
    'publish' { Invoke-Publish }
    'pack' { Invoke-Pack }
    'pack-plugin' {
        if ($Rest.Count -lt 1) { throw 'usage: build.ps1 pack-plugin PATH/TO/PLUGIN.csproj [OUTPUT-DIR]' }
        $out = if ($Rest.Count -ge 2) { $Rest[1] } else { Join-Path $Artifacts ("plugins/" + [IO.Path]::GetFileNameWithoutExtension($Rest[0])) }
        New-PluginPackage $Rest[0] $out
        Write-Host "plugin package: $out  (install it with: docker plugin create NAME $out)"
    }
}
