using FlowLogForwarder.Mapping;

namespace FlowLogForwarder.Tests.Mapping;

public class FlowLogSourceTests
{
    [Theory]
    [InlineData("AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_fl-0a1b_20261122T1005Z_3f2a.log.gz", "123456789012", "us-east-1")]
    [InlineData("prefix/AWSLogs/210987654321/vpcflowlogs/eu-central-1/2026/11/22/10/x.log.gz", "210987654321", "eu-central-1")]
    [InlineData("flows/AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=ap-south-1/year=2026/month=11/day=22/f.log.gz", "111122223333", "ap-south-1")]
    [InlineData("local/123456789012_vpcflowlogs_sa-east-1_fl-1_20261122T1005Z_ab.log.gz", "123456789012", "sa-east-1")]
    [InlineData("random/file.log.gz", null, null)]
    public void Account_and_region_are_read_from_every_key_layout(string key, string? account, string? region)
    {
        var source = FlowLogSource.FromKey("bucket", key);
        Assert.Equal(account, source.AccountId);
        Assert.Equal(region, source.Region);
    }
}
