using FlowLogForwarder.TestSupport;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>
/// The architecture is one setting: the template's <c>Architecture</c> parameter, which the Makefile's
/// <c>build-ForwarderFunction</c> (what <c>sam build</c> runs) also reads. Native AOT compiles only for the
/// machine it runs on, so asking for the other architecture fails before compiling instead of packaging a binary
/// Lambda cannot run. The binary the build target produces is checked byte by byte.
/// </summary>
public sealed partial class BuildArchitectureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flowlog-arch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Host => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "x86_64",
        Architecture.Arm64 => "arm64",
        var other => throw new PlatformNotSupportedException($"Lambda has no {other} architecture"),
    };

    private static string Other => Host == "arm64" ? "x86_64" : "arm64";

    private static Task<ToolResult> MakeAsync(TimeSpan timeout, params string[] args) =>
        ToolProcess.RunAsync("make", "apt-get install make", timeout, ["--no-print-directory", .. args]);

    /// <summary>The ELF header's e_machine: 0x3E x86-64, 0xB7 AArch64 (the System V ABI's numbers).</summary>
    internal static string ElfArchitecture(string path)
    {
        var header = new byte[20];
        using (var file = File.OpenRead(path))
        {
            file.ReadExactly(header);
        }
        Assert.True(header[0] == 0x7F && header[1] == (byte)'E' && header[2] == (byte)'L' && header[3] == (byte)'F', $"{path} is not an ELF file");
        Assert.Equal(2, header[4]); // ELFCLASS64
        Assert.Equal(1, header[5]); // little endian
        var machine = header[18] | (header[19] << 8);
        return machine switch
        {
            0x3E => "x86_64",
            0xB7 => "arm64",
            _ => $"e_machine 0x{machine:X}",
        };
    }

    [GeneratedRegex(@"GLIBC_(\d+)\.(\d+)")]
    private static partial Regex GlibcVersion();

    internal static async Task<Version> HighestGlibcAsync(string path)
    {
        var (exit, symbols) = await ToolProcess.RunAsync("objdump", "apt-get install binutils", TimeSpan.FromMinutes(1), "-T", path);
        Assert.True(exit == 0, symbols);
        var versions = GlibcVersion().Matches(symbols)
            .Select(m => new Version(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.NotEmpty(versions);
        return versions.Max()!;
    }

    [Fact]
    public async Task The_template_and_the_build_target_read_the_same_architecture_setting()
    {
        var template = await SamTemplate.TransformAsync();
        var parameter = template.GetProperty("Parameters").GetProperty("Architecture");
        Assert.Equal(["arm64", "x86_64"], parameter.GetProperty("AllowedValues").EnumerateArray().Select(v => v.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal("arm64", parameter.GetProperty("Default").GetString());
        var function = template.GetProperty("Resources").GetProperty("ForwarderFunction").GetProperty("Properties");
        Assert.Equal("""[{"Ref":"Architecture"}]""", function.GetProperty("Architectures").GetRawText().Replace(" ", "", StringComparison.Ordinal));

        var (exit, output) = await MakeAsync(TimeSpan.FromMinutes(1), "-s", "print-architecture");
        Assert.True(exit == 0, output);
        Assert.Equal("arm64", output.Trim());
    }

    [Fact]
    public async Task An_Architecture_in_samconfig_is_what_the_build_target_builds()
    {
        // sam build and sam deploy read samconfig.toml's parameter_overrides; SAM passes the Makefile only
        // ARTIFACTS_DIR, so the Makefile reads the same file.
        var samconfig = Path.Combine(_dir, "samconfig.toml");
        var text = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "samconfig.toml"));
        Assert.DoesNotContain("Architecture=", text, StringComparison.Ordinal); // the template's default is the one value today
        await File.WriteAllTextAsync(samconfig, text.Replace("parameter_overrides = [", "parameter_overrides = [\n  \"Architecture=x86_64\",", StringComparison.Ordinal));
        var (exit, output) = await MakeAsync(TimeSpan.FromMinutes(1), "-s", "print-architecture", $"SAMCONFIG={samconfig}");
        Assert.True(exit == 0, output);
        Assert.Equal("x86_64", output.Trim());
    }

    [Fact]
    public async Task Asking_for_the_other_architecture_fails_before_compiling_and_says_how_to_build_it()
    {
        var artifacts = Path.Combine(_dir, "other");
        Directory.CreateDirectory(artifacts);
        var (exit, output) = await MakeAsync(TimeSpan.FromMinutes(5), "build-ForwarderFunction", $"ARTIFACTS_DIR={artifacts}", $"ARCHITECTURE={Other}");
        Assert.True(exit != 0, $"asked for {Other} on an {Host} machine, the build target exited 0 and produced {(File.Exists(Path.Combine(artifacts, "bootstrap")) ? ElfArchitecture(Path.Combine(artifacts, "bootstrap")) : "no")} bootstrap:\n{output}");
        Assert.Contains($"cannot build {Other} on this {Host} machine", output, StringComparison.Ordinal);
        Assert.Contains("--use-container", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(artifacts, "bootstrap")));
    }

    [Fact]
    public async Task The_build_target_produces_a_bootstrap_for_the_requested_architecture_that_Amazon_Linux_2023_can_load()
    {
        var artifacts = Path.Combine(_dir, "host");
        Directory.CreateDirectory(artifacts);
        var (exit, output) = await MakeAsync(TimeSpan.FromMinutes(10), "build-ForwarderFunction", $"ARTIFACTS_DIR={artifacts}", $"ARCHITECTURE={Host}");
        Assert.True(exit == 0, output);
        var bootstrap = Path.Combine(artifacts, "bootstrap");
        Assert.Equal(Host, ElfArchitecture(bootstrap));
        var glibc = await HighestGlibcAsync(bootstrap);
        Assert.True(glibc <= new Version(2, 34), $"the bootstrap needs GLIBC {glibc}, Amazon Linux 2023 has 2.34");
        Assert.Equal(["bootstrap"], Directory.GetFiles(artifacts).Select(Path.GetFileName));

        // The deploy job's check of .aws-sam/build/ForwarderFunction/bootstrap is this same make target.
        var (ok, okOutput) = await MakeAsync(TimeSpan.FromMinutes(1), "check-bootstrap", $"BOOTSTRAP={bootstrap}", $"ARCHITECTURE={Host}");
        Assert.True(ok == 0, okOutput);
        var (wrong, wrongOutput) = await MakeAsync(TimeSpan.FromMinutes(1), "check-bootstrap", $"BOOTSTRAP={bootstrap}", $"ARCHITECTURE={Other}");
        Assert.NotEqual(0, wrong);
        Assert.Contains($"is {Host}, the function is {Other}", wrongOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bootstrap_check_refuses_a_file_that_is_not_a_Linux_executable()
    {
        var fake = Path.Combine(_dir, "bootstrap");
        await File.WriteAllTextAsync(fake, "#!/bin/sh\necho not a native binary\n");
        var (exit, output) = await MakeAsync(TimeSpan.FromMinutes(1), "check-bootstrap", $"BOOTSTRAP={fake}", $"ARCHITECTURE={Host}");
        Assert.NotEqual(0, exit);
        Assert.Contains("not an ELF", output, StringComparison.Ordinal);
    }
}
