using FlowLogForwarder.TestSupport;
using System.Text.Json;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>
/// The deploy role the README has you create (.github/deploy-role/): its trust admits only this repository's
/// production environment, as the deploy job runs in, and its permissions reach every kind of resource the stack
/// creates, named after samconfig.toml's stack, and nothing past them.
/// </summary>
public sealed class DeployRoleTests
{
    private static JsonElement Load(string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, ".github", "deploy-role", name)));
        return json.RootElement.Clone();
    }

    private static IEnumerable<string> Strings(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(v => v.GetString()!) : [value.GetString()!];

    [Fact]
    public void The_trust_policy_admits_only_the_production_environment_through_GitHub_OIDC()
    {
        var statement = Assert.Single(Load("trust-policy.json").GetProperty("Statement").EnumerateArray());
        Assert.Equal("sts:AssumeRoleWithWebIdentity", statement.GetProperty("Action").GetString());
        Assert.EndsWith(":oidc-provider/token.actions.githubusercontent.com", statement.GetProperty("Principal").GetProperty("Federated").GetString(), StringComparison.Ordinal);
        var equals = statement.GetProperty("Condition").GetProperty("StringEquals");
        Assert.Equal("sts.amazonaws.com", equals.GetProperty("token.actions.githubusercontent.com:aud").GetString());
        Assert.Equal("repo:ORG/REPO:environment:production", equals.GetProperty("token.actions.githubusercontent.com:sub").GetString());
        var deploy = File.ReadAllText(Path.Combine(RepoPaths.Root, ".github", "workflows", "deploy.yml"));
        Assert.Contains("environment: production", deploy, StringComparison.Ordinal); // the sub claim GitHub sends for that job
    }

    [Fact]
    public async Task The_permissions_reach_every_kind_of_resource_the_stack_creates_and_name_its_stack()
    {
        var statements = Load("permissions-policy.json").GetProperty("Statement").EnumerateArray().ToList();
        Assert.All(statements, s => Assert.Equal("Allow", s.GetProperty("Effect").GetString()));
        var services = statements.SelectMany(s => Strings(s.GetProperty("Action"))).Select(a => a.Split(':')[0]).ToHashSet(StringComparer.Ordinal);

        var template = await SamTemplate.TransformAsync();
        foreach (var type in template.GetProperty("Resources").EnumerateObject().Select(r => r.Value.GetProperty("Type").GetString()!).Distinct())
        {
            if (type == "AWS::CloudFormation::WaitConditionHandle")
            {
                continue; // CloudFormation's own, no service call
            }
            var service = type.Split("::")[1].ToLowerInvariant();
            Assert.True(services.Contains(service), $"the deploy role cannot create {type} ({service}:*)");
        }

        var samconfig = File.ReadAllText(Path.Combine(RepoPaths.Root, "samconfig.toml"));
        Assert.Contains("stack_name = \"flowlog-forwarder\"", samconfig, StringComparison.Ordinal);
        var resources = statements.SelectMany(s => Strings(s.GetProperty("Resource"))).ToList();
        Assert.Contains("arn:aws:cloudformation:REGION:ACCOUNT_ID:stack/flowlog-forwarder/*", resources);
        // Only CreateEventSourceMapping and friends take "*", and then only for the stack's function.
        Assert.All(statements.Where(s => Strings(s.GetProperty("Resource")).Contains("*")), s =>
            Assert.Contains("function:flowlog-forwarder-*", s.GetProperty("Condition").GetRawText(), StringComparison.Ordinal));
    }
}
