using System.Text.Json;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>
/// The function's role is least privilege: the template after the SAM transform (as CloudFormation sees it) grants
/// only the actions the function uses, each on its own resource, for every trigger topology. It is the template's
/// own role, not SAM's (which attaches AWSLambdaBasicExecutionRole: logs on every log group).
/// </summary>
public sealed class IamPolicyTests
{
    private static readonly HashSet<string> AllowedActions =
    [
        "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging", "s3:GetObjectVersionTagging",
        "s3:PutObjectTagging", "s3:PutObjectVersionTagging", "ssm:GetParameter", "kms:Decrypt",
        "sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility",
        "logs:CreateLogStream", "logs:PutLogEvents",
    ];

    // Every statement a role can hold, taking both branches of Fn::If.
    private static IEnumerable<JsonElement> Statements(JsonElement node)
    {
        if (node.ValueKind == JsonValueKind.Object && node.TryGetProperty("Fn::If", out var branches))
        {
            foreach (var branch in branches.EnumerateArray().Skip(1))
            {
                foreach (var statement in Statements(branch))
                {
                    yield return statement;
                }
            }
        }
        else if (node.ValueKind == JsonValueKind.Object && node.TryGetProperty("Effect", out _))
        {
            yield return node;
        }
    }

    private static IEnumerable<string> Strings(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(v => v.ToString()) : [value.ToString()];

    [Theory]
    [InlineData("Trigger=S3", "CreateBucket=true")]
    [InlineData("Trigger=SQS", "CreateBucket=true")]
    [InlineData("Trigger=EventBridge", "CreateBucket=false", "ExistingBucketName=my-flow-logs")]
    public async Task The_role_grants_only_what_the_function_uses_on_named_resources(params string[] parameters)
    {
        var template = await SamTemplate.TransformAsync(parameters);
        var roles = template.GetProperty("Resources").EnumerateObject().Where(r => r.Value.GetProperty("Type").GetString() == "AWS::IAM::Role").ToList();
        var role = Assert.Single(roles).Value.GetProperty("Properties");

        Assert.False(role.TryGetProperty("ManagedPolicyArns", out _), "no managed policies: AWSLambdaBasicExecutionRole grants logs on every log group");
        Assert.Equal("lambda.amazonaws.com", role.GetProperty("AssumeRolePolicyDocument").GetProperty("Statement")[0].GetProperty("Principal").GetProperty("Service").GetString());
        var statements = role.GetProperty("Policies").EnumerateArray()
            .SelectMany(p => p.GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray())
            .SelectMany(Statements).ToList();
        Assert.NotEmpty(statements);
        foreach (var statement in statements)
        {
            Assert.Equal("Allow", statement.GetProperty("Effect").GetString());
            foreach (var action in Strings(statement.GetProperty("Action")))
            {
                Assert.Contains(action, AllowedActions);
            }
            var resources = Strings(statement.GetProperty("Resource")).ToList();
            Assert.DoesNotContain("*", resources);
            if (Strings(statement.GetProperty("Action")).Any(a => a.StartsWith("s3:", StringComparison.Ordinal)))
            {
                // Objects of the one flow log bucket, never every bucket.
                Assert.All(resources, r => Assert.Contains(":s3:::${Bucket}/*", r, StringComparison.Ordinal));
            }
            if (Strings(statement.GetProperty("Action")).Any(a => a.StartsWith("logs:", StringComparison.Ordinal)))
            {
                // The function's own log group (LoggingConfig), never every log group.
                Assert.All(resources, r => Assert.Contains(":log-group:${ForwarderLogGroup}:*\"", r, StringComparison.Ordinal));
            }
            if (Strings(statement.GetProperty("Action")).Contains("ssm:GetParameter"))
            {
                Assert.All(resources, r => Assert.Contains(":parameter${IngestionKeyParameterName}", r, StringComparison.Ordinal));
            }
        }
        Assert.DoesNotContain(statements, s => Strings(s.GetProperty("Action")).Any(a => a.Contains('*', StringComparison.Ordinal)));
    }
}
