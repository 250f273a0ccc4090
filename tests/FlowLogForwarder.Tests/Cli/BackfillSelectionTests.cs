using FlowLogForwarder.Cli.Backfill;
using FlowLogForwarder.Events;
using FlowLogForwarder.Handling;

namespace FlowLogForwarder.Tests.Cli;

public class BackfillSelectionTests
{
    private const string Default =
        "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/123456789012_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f67890_20261122T1005Z_3f2a1b4c.log.gz";

    private const string HiveHourly =
        "vpc/AWSLogs/aws-account-id=210987654321/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2026/month=11/day=23/hour=07/" +
        "210987654321_vpcflowlogs_eu-west-1_fl-05c6d7e8f9a0b1c2d_20261123T0710Z_9d8e7f6a.log.gz";

    private static DateTimeOffset Utc(int day, int hour = 0, int minute = 0) => new(2026, 11, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void The_default_layout_gives_account_region_flow_log_day_and_file_time()
    {
        var key = FlowLogKey.Parse(Default);
        Assert.Equal(("123456789012", "us-east-1", "fl-0a1b2c3d4e5f67890"), (key.Account, key.Region, key.FlowLogId));
        Assert.Equal(Utc(22), key.PathStart);
        Assert.Equal(TimeSpan.FromDays(1), key.PathSpan);
        Assert.Equal(Utc(22, 10, 5), key.FileTime);
        Assert.False(key.Hive);
    }

    [Fact]
    public void The_hive_layout_with_hourly_partitions_gives_the_hour()
    {
        var key = FlowLogKey.Parse(HiveHourly);
        Assert.Equal(("210987654321", "eu-west-1", "fl-05c6d7e8f9a0b1c2d"), (key.Account, key.Region, key.FlowLogId));
        Assert.Equal(Utc(23, 7), key.PathStart);
        Assert.Equal(TimeSpan.FromHours(1), key.PathSpan);
        Assert.Equal(Utc(23, 7, 10), key.FileTime);
        Assert.True(key.Hive);
    }

    [Theory]
    [InlineData("AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/13/22/x.log.gz")] // month 13
    [InlineData("AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/02/30/x.log.gz")] // no such day
    [InlineData("AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/25/x.log.gz")] // hour 25
    [InlineData("notes/readme.txt")]
    [InlineData("AWSLogs")]
    public void A_key_without_a_real_date_has_none(string key)
    {
        var parsed = FlowLogKey.Parse(key);
        Assert.Null(parsed.PathStart);
        Assert.Null(parsed.FileTime);
    }

    [Fact]
    public void A_date_bound_covers_the_whole_day_and_a_timestamp_is_exact()
    {
        Assert.Equal(Utc(21), TimeWindow.ParseBound("2026-11-21", end: false));
        Assert.Equal(Utc(22).AddTicks(-1), TimeWindow.ParseBound("2026-11-21", end: true));
        Assert.Equal(Utc(21, 10, 30), TimeWindow.ParseBound("2026-11-21T10:30Z", end: true));
        Assert.Equal(Utc(21, 8, 30), TimeWindow.ParseBound("2026-11-21T10:30:00+02:00", end: false));
        Assert.Equal(Utc(21, 10, 30), TimeWindow.ParseBound("2026-11-21 10:30", end: false)); // UTC when no offset
        Assert.Null(TimeWindow.ParseBound("21/11/2026", end: false));
        Assert.Null(TimeWindow.ParseBound("yesterday", end: false));
    }

    [Fact]
    public void The_window_is_inclusive_by_file_time_else_by_the_date_path()
    {
        var window = new TimeWindow(Utc(22, 10, 5), Utc(23, 7, 10));
        Assert.True(window.Contains(FlowLogKey.Parse(Default))); // at the start, inclusive
        Assert.True(window.Contains(FlowLogKey.Parse(HiveHourly))); // at the end, inclusive
        Assert.False(new TimeWindow(Utc(22, 10, 6), null).Contains(FlowLogKey.Parse(Default)));
        // No file time: the day folder overlapping the window counts.
        var dayOnly = FlowLogKey.Parse("AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/custom.log.gz");
        Assert.True(new TimeWindow(Utc(22, 23, 59), null).Contains(dayOnly));
        Assert.False(new TimeWindow(Utc(23), null).Contains(dayOnly));
        Assert.False(new TimeWindow(null, Utc(21, 23, 59)).Contains(dayOnly));
        // No date at all: only an open window takes it.
        Assert.True(TimeWindow.Any.Contains(FlowLogKey.Parse("x/vpcflowlogs/a.log.gz")));
        Assert.False(new TimeWindow(Utc(1), null).Contains(FlowLogKey.Parse("x/vpcflowlogs/a.log.gz")));
    }

    [Fact]
    public void The_selection_applies_the_functions_filter_then_the_key_filters()
    {
        var none = new HashSet<string>();
        var policy = new ForwardingPolicy();
        ObjectReference At(string key, long size = 100) => new("b", key, size, "e", null, null);
        var all = new ObjectSelection(TimeWindow.Any, none, none, none);
        Assert.Null(all.SkipReason(At(Default), policy));
        Assert.NotNull(all.SkipReason(At(Default, size: 0), policy)); // the function's own filter: an empty object
        Assert.Null(all.SkipReason(At("AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/22/x.log.parquet"), policy)); // Parquet is forwarded too

        var byAccount = new ObjectSelection(TimeWindow.Any, new HashSet<string> { "210987654321" }, none, none);
        Assert.Equal("another account", byAccount.SkipReason(At(Default), policy));
        Assert.Null(byAccount.SkipReason(At(HiveHourly), policy));
        var byRegion = new ObjectSelection(TimeWindow.Any, none, new HashSet<string> { "us-east-1" }, none);
        Assert.Null(byRegion.SkipReason(At(Default), policy));
        Assert.Equal("another region", byRegion.SkipReason(At(HiveHourly), policy));
        var byFlowLog = new ObjectSelection(TimeWindow.Any, none, none, new HashSet<string> { "fl-05c6d7e8f9a0b1c2d" });
        Assert.Equal("another flow log", byFlowLog.SkipReason(At(Default), policy));
        Assert.Null(byFlowLog.SkipReason(At(HiveHourly), policy));
        var byTime = new ObjectSelection(new TimeWindow(Utc(23), null), none, none, none);
        Assert.Equal("outside --from/--to", byTime.SkipReason(At(Default), policy));
    }

    [Fact]
    public void A_closed_window_under_a_region_folder_lists_only_its_days_with_a_margin()
    {
        var window = new TimeWindow(Utc(21), Utc(22, 23, 59));
        Assert.Equal(
            ["AWSLogs/1/vpcflowlogs/us-east-1/2026/11/20/", "AWSLogs/1/vpcflowlogs/us-east-1/2026/11/21/",
             "AWSLogs/1/vpcflowlogs/us-east-1/2026/11/22/", "AWSLogs/1/vpcflowlogs/us-east-1/2026/11/23/"],
            ObjectLister.Prefixes("AWSLogs/1/vpcflowlogs/us-east-1/", window));
        Assert.Equal(
            ["v/AWSLogs/aws-account-id=1/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2026/month=11/day=20/",
             "v/AWSLogs/aws-account-id=1/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2026/month=11/day=21/",
             "v/AWSLogs/aws-account-id=1/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2026/month=11/day=22/",
             "v/AWSLogs/aws-account-id=1/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2026/month=11/day=23/"],
            ObjectLister.Prefixes("v/AWSLogs/aws-account-id=1/aws-service=vpcflowlogs/aws-region=eu-west-1", window));
        // Anything else is listed whole: a bucket root, an account folder, an open window.
        Assert.Equal([""], ObjectLister.Prefixes("", window));
        Assert.Equal(["AWSLogs/1/"], ObjectLister.Prefixes("AWSLogs/1/", window));
        Assert.Equal(["AWSLogs/1/vpcflowlogs/us-east-1/"], ObjectLister.Prefixes("AWSLogs/1/vpcflowlogs/us-east-1/", new TimeWindow(Utc(21), null)));
    }

    [Theory]
    [InlineData("s3://my-bucket/AWSLogs/", "my-bucket", "AWSLogs/")]
    [InlineData("s3://my-bucket", "my-bucket", "")]
    [InlineData("S3://my.bucket/a/b", "my.bucket", "a/b")]
    [InlineData("s3://My_Legacy_Bucket/AWSLogs/", "My_Legacy_Bucket", "AWSLogs/")] // a us-east-1 name from before 2018's rules
    public void An_s3_location_parses(string text, string bucket, string prefix)
    {
        Assert.Equal(new S3Prefix(bucket, prefix), S3Prefix.TryParse(text, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("my-bucket/AWSLogs/")]
    [InlineData("s3://")]
    [InlineData("s3://my bucket/x")]
    [InlineData("s3://ab/x")]
    [InlineData("https://my-bucket.s3.amazonaws.com/x")]
    public void A_bad_location_says_why(string text)
    {
        Assert.Null(S3Prefix.TryParse(text, out var error));
        Assert.NotNull(error);
    }
}

/// <summary>Review fixes: the calendar's ends and the endpoint in the title.</summary>
public class BackfillEdgeTests
{
    [Fact]
    public void The_last_day_there_is_ends_at_the_last_instant_not_with_an_overflow()
    {
        Assert.Equal(DateTimeOffset.MaxValue, TimeWindow.ParseBound("9999-12-31", end: true));
        Assert.Equal(DateTimeOffset.MinValue, TimeWindow.ParseBound("0001-01-01", end: false));
        Assert.Equal(new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero), TimeWindow.ParseBound("9999-12-31", end: false));
    }

    [Fact]
    public void Day_folders_at_the_calendars_ends_have_no_margin_beyond_them()
    {
        var root = "AWSLogs/1/vpcflowlogs/us-east-1/";
        Assert.Equal([root + "0001/01/01/", root + "0001/01/02/", root + "0001/01/03/"],
            ObjectLister.Prefixes(root, new TimeWindow(TimeWindow.ParseBound("0001-01-01", false), TimeWindow.ParseBound("0001-01-02", true))));
        Assert.Equal([root + "9999/12/29/", root + "9999/12/30/", root + "9999/12/31/"],
            ObjectLister.Prefixes(root, new TimeWindow(TimeWindow.ParseBound("9999-12-30", false), TimeWindow.ParseBound("9999-12-31", true))));
    }

    [Fact]
    public void The_send_title_names_the_endpoint_without_its_query_string()
    {
        var title = FlowLogForwarder.Cli.Commands.SendCommand.Title(2, new Uri("https://ingest.example.com/logs/json?token=s3cr3t"));
        Assert.Equal("Send 2 file(s) to https://ingest.example.com/logs/json", title);
    }
}
