using FlowLogForwarder.Events;
using FlowLogForwarder.Handling;

namespace FlowLogForwarder.Tests.Handling;

public class ObjectFilterTests
{
    [Theory]
    [InlineData("AWSLogs/1/vpcflowlogs/us-east-1/2026/11/22/x.log.gz", 10L, null)]
    // A transit gateway flow log is delivered under the same service name as a VPC one (its flow log id is an fl- id too).
    [InlineData("tgw/AWSLogs/210987654321/vpcflowlogs/eu-west-1/2026/11/22/210987654321_vpcflowlogs_eu-west-1_fl-0f1e2d3c4b5a69788_20261122T1005Z_5e6f7a8b.log.gz", 10L, null)]
    [InlineData("AWSLogs/aws-account-id=210987654321/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2026/month=11/day=22/hour=10/210987654321_vpcflowlogs_eu-west-1_fl-0f1e2d3c4b5a69788_20261122T1005Z_5e6f7a8b.log.gz", 10L, null)]
    [InlineData("AWSLogs/1/vpcflowlogs/us-east-1/2026/11/22/", 0L, "folder")]
    [InlineData("AWSLogs/1/vpcflowlogs/us-east-1/x.log.gz", 0L, "empty")]
    [InlineData("AWSLogs/1/vpcflowlogs/us-east-1/2026/11/22/1_vpcflowlogs_us-east-1_fl-1_20261122T1005Z_ab.log.parquet", 10L, null)]
    [InlineData("vpc/AWSLogs/aws-account-id=1/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=11/day=22/hour=10/1_vpcflowlogs_us-east-1_fl-1_20261122T1005Z_ab.log.parquet", 10L, null)]
    [InlineData("AWSLogs/1/vpcflowlogs/us-east-1/2026/11/22/10/1_vpcflowlogs_us-east-1_fl-1_20261122T1005Z_ab.log.parquet", 10L, null)]
    [InlineData("AWSLogs/1/CloudTrail/us-east-1/x.json.gz", 10L, "not a VPC flow log key")]
    public void Only_flow_log_objects_are_forwarded(string key, long size, string? reason)
    {
        var skip = ObjectFilter.SkipReason(new ObjectReference("b", key, size, null, null, null), new ForwardingPolicy { MaxObjectBytes = 5L << 30 });
        if (reason is null)
        {
            Assert.Null(skip);
        }
        else
        {
            Assert.Contains(reason, skip, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Buckets_outside_the_allow_list_are_skipped()
    {
        var allowed = new ForwardingPolicy { AllowedBuckets = new HashSet<string> { "flow-logs-a" } };
        const string Key = "AWSLogs/1/vpcflowlogs/us-east-1/x.log.gz";
        Assert.Null(ObjectFilter.SkipReason(new ObjectReference("flow-logs-a", Key, 10, null, null, null), allowed));
        Assert.Contains("not in FLOWLOG_ALLOWED_BUCKETS", ObjectFilter.SkipReason(new ObjectReference("other", Key, 10, null, null, null), allowed),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Objects_over_the_size_limit_are_skipped_by_the_event_size_alone()
    {
        const string Key = "AWSLogs/1/vpcflowlogs/us-east-1/x.log.gz";
        var reason = ObjectFilter.SkipReason(new ObjectReference("b", Key, 6L << 30, null, null, null), new ForwardingPolicy { MaxObjectBytes = 5L << 30 });
        Assert.Contains("over FLOWLOG_MAX_OBJECT_BYTES", reason, StringComparison.Ordinal);
    }
}
