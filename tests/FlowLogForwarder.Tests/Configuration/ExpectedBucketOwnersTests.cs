using FlowLogForwarder.Configuration;

namespace FlowLogForwarder.Tests.Configuration;

public class ExpectedBucketOwnersTests
{
    private const string Variable = "FLOWLOG_EXPECTED_BUCKET_OWNER";

    [Fact]
    public void Absent_means_no_owner_condition() => Assert.Null(ExpectedBucketOwners.Parse(null, Variable));

    [Fact]
    public void One_account_id_is_the_owner_of_every_bucket()
    {
        var owners = ExpectedBucketOwners.Parse("111122223333", Variable)!;
        Assert.Equal("111122223333", owners.OwnerOf("flow-logs"));
        Assert.Equal("111122223333", owners.OwnerOf("any-other-bucket"));
    }

    [Fact]
    public void Bucket_pairs_name_each_owner_and_a_bare_id_covers_the_rest()
    {
        var owners = ExpectedBucketOwners.Parse(" central-logs@444455556666 , 111122223333,audit.logs@777788889999", Variable)!;
        Assert.Equal("444455556666", owners.OwnerOf("central-logs"));
        Assert.Equal("777788889999", owners.OwnerOf("audit.logs"));
        Assert.Equal("111122223333", owners.OwnerOf("team-bucket"));
        Assert.Equal("111122223333,audit.logs@777788889999,central-logs@444455556666", owners.ToString());
    }

    [Fact]
    public void With_only_pairs_an_unnamed_bucket_has_no_owner()
    {
        var owners = ExpectedBucketOwners.Parse("central-logs@444455556666", Variable)!;
        Assert.Null(owners.OwnerOf("look-alike-logs"));
    }

    [Theory]
    [InlineData("11112222333")]           // 11 digits
    [InlineData("1111222233334")]         // 13 digits
    [InlineData("arn:aws:iam::111122223333:root")]
    [InlineData("111122223333,444455556666")] // S3 checks one owner per request: which one?
    [InlineData("Central_Logs@111122223333")]
    [InlineData("logs@111122223333,logs@444455556666")]
    [InlineData("logs@")]
    [InlineData(",")]
    public void A_bad_value_fails_start_up_naming_the_variable(string text)
    {
        var error = Assert.Throws<ConfigurationException>(() =>
            ForwarderOptions.Load(n => n switch { "SIGNOZ_ENDPOINT" => "https://x/logs/json", Variable => text, _ => null }));
        Assert.Equal(Variable, error.Variable);
        Assert.StartsWith(Variable + ":", error.Message, StringComparison.Ordinal);
    }
}
