namespace FlowLogForwarder.Diagnostics;

/// <summary>Reads this process's memory high-water mark from the kernel.</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set size (VmHWM) in bytes, or null where /proc is not available.</summary>
    public static long? PeakResidentBytes()
    {
        const string StatusFile = "/proc/self/status";
        if (!File.Exists(StatusFile))
        {
            return null;
        }
        foreach (var line in File.ReadLines(StatusFile))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kilobytes = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        return null;
    }
}
