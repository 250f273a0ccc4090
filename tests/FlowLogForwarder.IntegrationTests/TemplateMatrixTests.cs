using FlowLogForwarder.TestSupport;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>
/// Every stack the template can make: each Trigger x CreateBucket x Architecture case goes through the SAM transform,
/// the template's Rules and Conditions (tests/lint/sam_to_json.py --concrete, as CloudFormation would on a create),
/// and cfn-lint; then the SQS topology, the bucket and AWS's flow log delivery policy are checked case by case.
/// </summary>
public sealed partial class TemplateMatrixTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flowlog-matrix-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Triggers = ["S3", "SQS", "EventBridge", "CloudWatchLogs"];
    private const string LogGroup = "/aws/vpc/flowlogs";
    private static readonly string[] Architectures = ["arm64", "x86_64"];

    private static Dictionary<string, Dictionary<string, string>> FullMatrix() =>
        (from trigger in Triggers
         from create in new[] { "true", "false" }
         from architecture in Architectures
         select (Name: $"{trigger}-{create}-{architecture}", Parameters: new Dictionary<string, string>(StringComparer.Ordinal)
         {
             ["Trigger"] = trigger,
             ["CreateBucket"] = create,
             ["Architecture"] = architecture,
             ["ExistingBucketName"] = create == "true" ? "" : "my-flow-logs",
             ["FlowLogGroupName"] = trigger == "CloudWatchLogs" ? LogGroup : "",
         })).ToDictionary(c => c.Name, c => c.Parameters, StringComparer.Ordinal);

    /// <summary>Each case's concrete template (or the rule that refused it).</summary>
    private async Task<Dictionary<string, (string? File, string? Rule)>> ConcreteAsync(Dictionary<string, Dictionary<string, string>> matrix, string template = "template.yaml")
    {
        var matrixFile = Path.Combine(_dir, "matrix.json");
        await File.WriteAllTextAsync(matrixFile, JsonSerializer.Serialize(matrix));
        var result = await ToolProcess.RunAsync("python3", "install Python 3 and cfn-lint (pip install cfn-lint)", TimeSpan.FromMinutes(3),
            "tests/lint/sam_to_json.py", template, "--concrete", matrixFile, _dir);
        Assert.True(result.Exit == 0, $"the SAM transform failed (needs cfn-lint and aws-sam-translator: pip install cfn-lint): {result.Stderr}");
        using var report = JsonDocument.Parse(result.Stdout);
        return report.RootElement.EnumerateObject().ToDictionary(c => c.Name,
            c => (c.Value.TryGetProperty("file", out var f) ? f.GetString() : null, c.Value.TryGetProperty("rule", out var r) ? r.GetString() : null), StringComparer.Ordinal);
    }

    private static JsonElement Load(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        return json.RootElement.Clone();
    }

    private static JsonElement Resource(JsonElement template, string name) => template.GetProperty("Resources").GetProperty(name);

    private static bool HasResource(JsonElement template, string name) => template.GetProperty("Resources").TryGetProperty(name, out _);

    private static string Compact(JsonElement element) => JsonSerializer.Serialize(element);

    [Fact]
    public async Task Every_trigger_bucket_and_architecture_case_passes_the_transform_the_rules_and_cfn_lint()
    {
        var matrix = FullMatrix();
        Assert.Equal(16, matrix.Count);
        var cases = await ConcreteAsync(matrix);
        Assert.All(cases, c => Assert.True(c.Value.Rule is null, $"{c.Key} refused: {c.Value.Rule}"));
        var (exit, output) = await ToolProcess.RunAsync("cfn-lint", "pip install cfn-lint", TimeSpan.FromMinutes(3), [.. cases.Values.Select(c => c.File!)]);
        Assert.True(exit == 0, output);

        foreach (var (name, parameters) in matrix)
        {
            var template = Load(cases[name].File!);
            var function = Resource(template, "ForwarderFunction").GetProperty("Properties");
            Assert.Equal(parameters["Architecture"], template.GetProperty("Parameters").GetProperty("Architecture").GetProperty("Default").GetString());
            Assert.Equal("Architecture", function.GetProperty("Architectures")[0].GetProperty("Ref").GetString());
            Assert.False(function.TryGetProperty("ReservedConcurrentExecutions", out _), $"{name}: reserved concurrency (event source mappings ignore it)");

            var sqs = parameters["Trigger"] == "SQS";
            Assert.Equal(sqs, HasResource(template, "QueueEventSource"));
            if (sqs)
            {
                var mapping = Resource(template, "QueueEventSource").GetProperty("Properties");
                Assert.Equal("MaximumConcurrency", mapping.GetProperty("ScalingConfig").GetProperty("MaximumConcurrency").GetProperty("Ref").GetString());
                Assert.Equal("""{"Fn::FindInMap":["QueueVisibility",{"Ref":"FunctionTimeout"},"Seconds"]}""",
                    Compact(Resource(template, "IngestQueue").GetProperty("Properties").GetProperty("VisibilityTimeout")));
            }

            // The bucket every grant names: the created bucket's own name expression, or the existing bucket.
            var created = parameters["CreateBucket"] == "true";
            Assert.Equal(created, HasResource(template, "FlowLogBucket"));
            var bucket = created
                ? Compact(Resource(template, "FlowLogBucket").GetProperty("Properties").GetProperty("BucketName"))
                : """{"Ref":"ExistingBucketName"}""";
            var role = Resource(template, "ForwarderRole").GetProperty("Properties").GetProperty("Policies")[0].GetProperty("PolicyDocument").GetProperty("Statement");
            var s3 = role.EnumerateArray().Single(s => s.GetProperty("Sid").GetString() == "ReadFlowLogObjectsAndTrackProgress");
            Assert.Equal(bucket, Compact(s3.GetProperty("Resource").GetProperty("Fn::Sub")[1].GetProperty("Bucket")));
            if (sqs)
            {
                var condition = Resource(template, "IngestQueuePolicy").GetProperty("Properties").GetProperty("PolicyDocument").GetProperty("Statement")[0].GetProperty("Condition");
                Assert.Equal(bucket, Compact(condition.GetProperty("ArnEquals").GetProperty("aws:SourceArn").GetProperty("Fn::Sub")[1].GetProperty("Bucket")));
            }
            if (parameters["Trigger"] == "S3")
            {
                Assert.Equal(bucket, Compact(Resource(template, "S3InvokePermission").GetProperty("Properties").GetProperty("SourceArn").GetProperty("Fn::Sub")[1].GetProperty("Bucket")));
            }
            if (!created)
            {
                Assert.DoesNotContain("FlowLogBucket\"", template.GetProperty("Resources").GetRawText(), StringComparison.Ordinal);
            }

            // New objects reach the function in both of AWS's file formats: text (.log.gz) and Parquet (.log.parquet).
            string[] suffixes = [".log.gz", ".log.parquet"];
            if (created && parameters["Trigger"] is "S3" or "SQS")
            {
                var notifications = Resource(template, "FlowLogBucket").GetProperty("Properties").GetProperty("NotificationConfiguration")
                    .GetProperty(parameters["Trigger"] == "S3" ? "LambdaConfigurations" : "QueueConfigurations");
                Assert.Equal(suffixes, notifications.EnumerateArray()
                    .Select(n => n.GetProperty("Filter").GetProperty("S3Key").GetProperty("Rules")[0].GetProperty("Value").GetString()));
            }
            if (parameters["Trigger"] == "EventBridge")
            {
                var keys = Resource(template, "ObjectCreatedRule").GetProperty("Properties").GetProperty("EventPattern")
                    .GetProperty("detail").GetProperty("object").GetProperty("key");
                Assert.Equal(suffixes.Select(s => "*vpcflowlogs*" + s), keys.EnumerateArray().Select(k => k.GetProperty("wildcard").GetString()));
            }

            // CloudWatch Logs: a subscription filter on the named log group, and an invoke permission for that group only.
            var logs = parameters["Trigger"] == "CloudWatchLogs";
            Assert.Equal(logs, HasResource(template, "FlowLogSubscription"));
            Assert.Equal(logs, HasResource(template, "LogsInvokePermission"));
            if (logs)
            {
                var filter = Resource(template, "FlowLogSubscription");
                Assert.Equal("""{"Fn::Join":["",[{"Ref":"FlowLogGroupName"}]]}""", Compact(filter.GetProperty("Properties").GetProperty("LogGroupName")));
                Assert.Equal("""{"Fn::GetAtt":["ForwarderFunction","Arn"]}""", Compact(filter.GetProperty("Properties").GetProperty("DestinationArn")));
                Assert.Equal("LogsInvokePermission", filter.GetProperty("DependsOn").ValueKind == JsonValueKind.Array
                    ? filter.GetProperty("DependsOn")[0].GetString() : filter.GetProperty("DependsOn").GetString());
                var permission = Resource(template, "LogsInvokePermission").GetProperty("Properties");
                Assert.Equal("logs.amazonaws.com", permission.GetProperty("Principal").GetString());
                Assert.Equal("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${FlowLogGroupName}:*",
                    permission.GetProperty("SourceArn").GetProperty("Fn::Sub").GetString());
                Assert.Equal(LogGroup, template.GetProperty("Parameters").GetProperty("FlowLogGroupName").GetProperty("Default").GetString());
            }
        }
    }

    [Fact]
    public async Task The_concrete_lint_catches_a_grant_on_a_bucket_the_case_does_not_create()
    {
        var broken = Path.Combine(_dir, "template.yaml");
        var text = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "template.yaml"));
        var mutated = text.Replace("name: [!If [CreateBucket, !Ref FlowLogBucket, !Ref ExistingBucketName]]", "name: [!Ref FlowLogBucket]", StringComparison.Ordinal);
        Assert.NotEqual(text, mutated);
        await File.WriteAllTextAsync(broken, mutated);
        var cases = await ConcreteAsync(new(StringComparer.Ordinal) { ["EventBridge-false"] = new(StringComparer.Ordinal) { ["Trigger"] = "EventBridge", ["CreateBucket"] = "false", ["ExistingBucketName"] = "my-flow-logs" } }, broken);
        var (exit, output) = await ToolProcess.RunAsync("cfn-lint", "pip install cfn-lint", TimeSpan.FromMinutes(2), cases["EventBridge-false"].File!);
        Assert.NotEqual(0, exit);
        Assert.Contains("FlowLogBucket", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CreateBucket=false", "ExistingBucketIsNamed")]
    [InlineData("CreateBucket=false;ExistingBucketName=my-flow-logs;FlowLogSourceAccounts=111111111111", "ExistingBucketIsNamed")]
    [InlineData("CreateBucket=true;ExistingBucketName=my-flow-logs", "CreatedBucketOnly")]
    [InlineData("Trigger=CloudWatchLogs", "CloudWatchLogsNeedsLogGroup")]
    [InlineData("Trigger=S3;FlowLogGroupName=/aws/vpc/flowlogs", "LogGroupOnlyWithCloudWatchLogs")]
    public async Task The_rules_refuse_a_bucket_choice_that_cannot_work(string parameters, string rule)
    {
        var values = parameters.Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var cases = await ConcreteAsync(new(StringComparer.Ordinal) { ["case"] = values });
        Assert.StartsWith(rule + ":", cases["case"].Rule ?? "(accepted)", StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_SQS_queue_hides_a_message_six_function_timeouts_and_concurrency_is_a_mapping_cap()
    {
        var template = await SamTemplate.TransformAsync();
        var timeouts = template.GetProperty("Parameters").GetProperty("FunctionTimeout").GetProperty("AllowedValues").EnumerateArray()
            .Select(v => int.Parse(v.ToString(), CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(timeouts);
        var window = Resource(template, "QueueEventSource").GetProperty("Properties").GetProperty("MaximumBatchingWindowInSeconds").GetInt32();
        var visibility = template.GetProperty("Mappings").GetProperty("QueueVisibility");
        foreach (var timeout in timeouts)
        {
            var seconds = visibility.GetProperty(timeout.ToString(CultureInfo.InvariantCulture)).GetProperty("Seconds").GetInt32();
            Assert.InRange(seconds, (6 * timeout) + window, 43200); // AWS: at least 6x the function timeout; SQS: at most 12 h
        }
        var concurrency = template.GetProperty("Parameters").GetProperty("MaximumConcurrency");
        Assert.Equal(2, concurrency.GetProperty("MinValue").GetInt32());
        Assert.Equal(1000, concurrency.GetProperty("MaxValue").GetInt32());
        Assert.False(template.GetProperty("Parameters").TryGetProperty("ReservedConcurrency", out _));
    }

    [Fact]
    public async Task The_bucket_outlives_the_stack_and_its_name_is_lower_case_and_not_the_stack_name()
    {
        var template = await SamTemplate.TransformAsync();
        var bucket = Resource(template, "FlowLogBucket");
        Assert.Equal("Retain", bucket.GetProperty("DeletionPolicy").GetString());
        Assert.Equal("Retain", bucket.GetProperty("UpdateReplacePolicy").GetString());
        var name = bucket.GetProperty("Properties").GetProperty("BucketName");
        Assert.DoesNotContain("AWS::StackName", name.GetRawText(), StringComparison.Ordinal);

        // For a long, upper-case stack name in the longest region name, the name CloudFormation computes.
        var stackId = "arn:aws:cloudformation:ap-southeast-5:123456789012:stack/My-VERY-Long-Flow-Log-Forwarder-Stack-Name-For-Production/1c2fa620-982a-11e3-aff7-50e2416294e0";
        var pseudo = new Dictionary<string, string>(StringComparer.Ordinal) { ["AWS::AccountId"] = "123456789012", ["AWS::Region"] = "ap-southeast-5" };
        var sub = name.GetProperty("Fn::Sub");
        var select = sub[1].GetProperty("StackUuidTail").GetProperty("Fn::Select");
        Assert.Equal("""[4,{"Fn::Split":["-",{"Fn::Select":[2,{"Fn::Split":["/",{"Ref":"AWS::StackId"}]}]}]}]""", Compact(select));
        pseudo["StackUuidTail"] = stackId.Split('/')[2].Split('-')[4];
        var computed = SubstitutionPattern().Replace(sub[0].GetString()!, m => pseudo[m.Groups[1].Value]);
        Assert.Matches("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", computed);
        Assert.True(computed.Length <= 63, computed);
    }

    [GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial Regex SubstitutionPattern();

    // ---- AWS's flow log delivery policy, evaluated for requests log delivery would make ----

    private sealed record Request(string Action, string Resource, Dictionary<string, string> Context);

    private static string Resolve(JsonElement node, Dictionary<string, string> names) => node.ValueKind switch
    {
        JsonValueKind.String => node.GetString()!,
        JsonValueKind.Object when node.TryGetProperty("Ref", out var r) => names[r.GetString()!],
        JsonValueKind.Object when node.TryGetProperty("Fn::GetAtt", out var g) => names[$"{g[0].GetString()}.{g[1].GetString()}"],
        JsonValueKind.Object when node.TryGetProperty("Fn::Sub", out var s) => SubstitutionPattern().Replace(s.GetString()!, m => names[m.Groups[1].Value]),
        _ => throw new InvalidOperationException($"this test does not resolve {node.GetRawText()}"),
    };

    private static List<string> ResolveAll(JsonElement node, Dictionary<string, string> names, Dictionary<string, List<string>> lists) =>
        node.ValueKind == JsonValueKind.Array ? [.. node.EnumerateArray().SelectMany(n => ResolveAll(n, names, lists))]
        : node.ValueKind == JsonValueKind.Object && node.TryGetProperty("Ref", out var r) && lists.TryGetValue(r.GetString()!, out var list) ? list
        : [Resolve(node, names)];

    private static bool Glob(string pattern, string value) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$");

    // ArnLike: each of the first five colon-separated parts matched on its own, the rest as one.
    private static bool ArnLike(string pattern, string arn)
    {
        var p = pattern.Split(':', 6);
        var a = arn.Split(':', 6);
        return p.Length == 6 && a.Length == 6 && p.Zip(a).All(x => Glob(x.First, x.Second));
    }

    private static bool Allows(JsonElement statement, Request request, Dictionary<string, string> names, Dictionary<string, List<string>> lists)
    {
        if (statement.GetProperty("Principal").ToString() != "*" &&
            statement.GetProperty("Principal").GetProperty("Service").GetString() != "delivery.logs.amazonaws.com")
        {
            return false;
        }
        if (!ResolveAll(statement.GetProperty("Action"), names, lists).Any(a => Glob(a, request.Action))
            || !ResolveAll(statement.GetProperty("Resource"), names, lists).Any(r => Glob(r, request.Resource)))
        {
            return false;
        }
        if (!statement.TryGetProperty("Condition", out var conditions))
        {
            return true;
        }
        foreach (var op in conditions.EnumerateObject())
        {
            foreach (var key in op.Value.EnumerateObject())
            {
                var wanted = ResolveAll(key.Value, names, lists);
                var have = request.Context.GetValueOrDefault(key.Name);
                var ok = op.Name switch
                {
                    "StringEquals" => have is not null && wanted.Contains(have),
                    "ArnLike" => have is not null && wanted.Any(w => ArnLike(w, have)),
                    "Bool" => (have ?? "false") == wanted.Single(),
                    _ => throw new InvalidOperationException($"this test does not evaluate {op.Name}"),
                };
                if (!ok)
                {
                    return false;
                }
            }
        }
        return true;
    }

    [Fact]
    public async Task The_bucket_policy_admits_flow_log_delivery_from_exactly_the_listed_accounts_under_any_prefix()
    {
        var cases = await ConcreteAsync(new(StringComparer.Ordinal)
        {
            ["central"] = new(StringComparer.Ordinal) { ["FlowLogSourceAccounts"] = "111111111111,222222222222" },
            ["default"] = new(StringComparer.Ordinal),
        });
        var names = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AWS::Partition"] = "aws", ["AWS::AccountId"] = "123456789012", ["AWS::Region"] = "us-east-1",
            ["FlowLogBucket.Arn"] = "arn:aws:s3:::central-flow-logs",
        };
        const string Bucket = "arn:aws:s3:::central-flow-logs";

        Request Put(string account, string key, bool acl = true, string? sourceArnAccount = null) => new("s3:PutObject", $"{Bucket}/{key}", new(StringComparer.Ordinal)
        {
            ["aws:SourceAccount"] = account,
            ["aws:SourceArn"] = $"arn:aws:logs:eu-west-1:{sourceArnAccount ?? account}:delivery-source:vpc-flow-logs",
            ["aws:SecureTransport"] = "true",
            ["s3:x-amz-acl"] = acl ? "bucket-owner-full-control" : "private",
        });
        Request Acl(string account) => new("s3:GetBucketAcl", Bucket, new(StringComparer.Ordinal)
        {
            ["aws:SourceAccount"] = account, ["aws:SourceArn"] = $"arn:aws:logs:eu-west-1:{account}:*", ["aws:SecureTransport"] = "true",
        });

        bool Allowed(string @case, Request request)
        {
            var template = Load(cases[@case].File!);
            // The concrete template keeps the parameter only where the chosen branch uses it (the listed accounts).
            var lists = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            if (template.GetProperty("Parameters").TryGetProperty("FlowLogSourceAccounts", out var accounts))
            {
                lists["FlowLogSourceAccounts"] = [.. accounts.GetProperty("Default").GetString()!.Split(',')];
            }
            var statements = Resource(template, "FlowLogBucketPolicy").GetProperty("Properties").GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray().ToList();
            return statements.Any(s => s.GetProperty("Effect").GetString() == "Allow" && Allows(s, request, names, lists))
                && !statements.Any(s => s.GetProperty("Effect").GetString() == "Deny" && Allows(s, request, names, lists));
        }

        const string Plain = "AWSLogs/111111111111/vpcflowlogs/eu-west-1/2026/11/22/111111111111_vpcflowlogs_eu-west-1_fl-1_20261122T1005Z_ab.log.gz";
        const string Hive = "team-a/AWSLogs/aws-account-id=111111111111/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2026/month=11/day=22/x.log.gz";
        Assert.True(Allowed("central", Put("111111111111", Plain)));
        Assert.True(Allowed("central", Put("111111111111", Hive)));
        Assert.True(Allowed("central", Put("222222222222", "folder/" + Plain.Replace("111111111111", "222222222222", StringComparison.Ordinal))));
        Assert.True(Allowed("central", Acl("222222222222")));
        Assert.False(Allowed("central", Put("333333333333", Plain)), "an account not listed");
        Assert.False(Allowed("central", Acl("333333333333")), "an account not listed");
        Assert.False(Allowed("central", Put("123456789012", Plain)), "the bucket's own account is not listed");
        Assert.False(Allowed("central", Put("111111111111", Plain, acl: false)), "without bucket-owner-full-control");
        Assert.False(Allowed("central", Put("111111111111", Plain) with { Context = new(Put("111111111111", Plain).Context, StringComparer.Ordinal) { ["aws:SourceArn"] = "arn:aws:s3:::other" } }), "not CloudWatch Logs' delivery");

        Assert.True(Allowed("default", Put("123456789012", Hive.Replace("111111111111", "123456789012", StringComparison.Ordinal))));
        Assert.False(Allowed("default", Put("111111111111", Plain)), "by default only this account");
    }
}
