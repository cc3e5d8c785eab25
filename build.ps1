#!/usr/bin/env pwsh
# Berth build script: build | test | publish | run | demo | bench | pack-plugin
# Runs under PowerShell installed as a local dotnet tool: `dotnet tool restore && dotnet pwsh ./build.ps1 <task>`.
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'publish', 'run', 'demo', 'bench', 'pack-plugin')]
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

function Invoke-Publish {
    Step "publish berthd and berth-plugin-host to $Daemon"
    if (Test-Path $Daemon) { Remove-Item -Recurse -Force $Daemon }
    & dotnet publish (Join-Path $Root 'kernel/Berthd.csproj') -c $Configuration -o $Daemon -nologo -v quiet
    & dotnet publish (Join-Path $Root 'sdk/Berth.PluginHost/Berth.PluginHost.csproj') -c $Configuration -o $Daemon -nologo -v quiet
    foreach ($plugin in $BundledPlugins) {
        Step "pack bundled plugin $($plugin.Name)"
        New-PluginPackage $plugin.Project (Join-Path $Daemon "plugins/$($plugin.Name)")
    }
    Get-ChildItem $Daemon -Recurse -Filter '*.pdb' | Remove-Item -Force
}

switch ($Task) {
    'build' { Invoke-Build }
    'publish' { Invoke-Publish }
    'pack-plugin' {
        if ($Rest.Count -lt 1) { throw 'usage: build.ps1 pack-plugin PATH/TO/PLUGIN.csproj [OUTPUT-DIR]' }
        $out = if ($Rest.Count -ge 2) { $Rest[1] } else { Join-Path $Artifacts ("plugins/" + [IO.Path]::GetFileNameWithoutExtension($Rest[0])) }
        New-PluginPackage $Rest[0] $out
        Write-Host "plugin package: $out  (install it with: docker plugin create NAME $out)"
    }
    default { throw "task $Task is not written yet" }
}
