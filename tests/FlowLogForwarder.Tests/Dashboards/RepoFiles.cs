namespace FlowLogForwarder.Tests.Dashboards;

/// <summary>Files in the repository the dashboard tests read (found from the test's own directory).</summary>
internal static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    /// <summary>The SigNoz dashboard shipped for import.</summary>
    public static string Dashboard => Path.Combine(Root, "dashboards", "vpc-flow-logs.json");

    /// <summary>The bundled VPC flow log samples (gzip, as AWS delivers them).</summary>
    public static IReadOnlyList<string> Samples =>
        [.. Directory.GetFiles(Path.Combine(Root, "tests", "samples"), "*.log.gz").Order(StringComparer.Ordinal)];

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FlowLogForwarder.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("FlowLogForwarder.sln not found above the test directory");
    }
}
