using FlowLogForwarder.Lambda.Events;
using FlowLogForwarder.Lambda.Handler;

namespace FlowLogForwarder.Tests.Lambda;

public class ObjectFilterTests
{
    [Theory]
    [InlineData("AWSLogs/1/vpcflowlogs/us-east-1/2026/11/22/x.log.gz", 10L, null)]
    [InlineData("AWSLogs/1/vpcflowlogs/us-east-1/2026/11/22/", 0L, "folder")]
    [InlineData("AWSLogs/1/vpcflowlogs/us-east-1/x.log.gz", 0L, "empty")]
    [InlineData("AWSLogs/1/vpcflowlogs/us-east-1/x.parquet", 10L, "Parquet")]
    [InlineData("AWSLogs/1/CloudTrail/us-east-1/x.json.gz", 10L, "not a VPC flow log key")]
    public void Only_flow_log_objects_are_forwarded(string key, long size, string? reason)
    {
        var skip = ObjectFilter.SkipReason(new ObjectReference("b", key, size, null, null, null));
        if (reason is null)
        {
            Assert.Null(skip);
        }
        else
        {
            Assert.Contains(reason, skip, StringComparison.Ordinal);
        }
    }
}
