namespace FlowLogForwarder.Mapping;

/// <summary>IANA assigned internet protocol numbers, as lower-case keywords for <c>network.protocol.name</c>.</summary>
internal static class IanaProtocolNames
{
    private static readonly byte[]?[] Names = Build();

    /// <summary>The keyword for a protocol number as a quoted JSON string, or null when IANA assigns none.</summary>
    public static byte[]? Get(ulong number) => number < (ulong)Names.Length ? Names[number] : null;

    private static byte[]?[] Build()
    {
        // Source: IANA "Assigned Internet Protocol Numbers" registry (keywords, lower-cased).
        string?[] keywords =
        [
            "hopopt", "icmp", "igmp", "ggp", "ipv4", "st", "tcp", "cbt", "egp", "igp",
            "bbn-rcc-mon", "nvp-ii", "pup", "argus", "emcon", "xnet", "chaos", "udp", "mux", "dcn-meas",
            "hmp", "prm", "xns-idp", "trunk-1", "trunk-2", "leaf-1", "leaf-2", "rdp", "irtp", "iso-tp4",
            "netblt", "mfe-nsp", "merit-inp", "dccp", "3pc", "idpr", "xtp", "ddp", "idpr-cmtp", "tp++",
            "il", "ipv6", "sdrp", "ipv6-route", "ipv6-frag", "idrp", "rsvp", "gre", "dsr", "bna",
            "esp", "ah", "i-nlsp", "swipe", "narp", "min-ipv4", "tlsp", "skip", "ipv6-icmp", "ipv6-nonxt",
            "ipv6-opts", null, "cftp", null, "sat-expak", "kryptolan", "rvd", "ippc", null, "sat-mon",
            "visa", "ipcv", "cpnx", "cphb", "wsn", "pvp", "br-sat-mon", "sun-nd", "wb-mon", "wb-expak",
            "iso-ip", "vmtp", "secure-vmtp", "vines", "ttp", "nsfnet-igp", "dgp", "tcf", "eigrp", "ospfigp",
            "sprite-rpc", "larp", "mtp", "ax.25", "ipip", "micp", "scc-sp", "etherip", "encap", null,
            "gmtp", "ifmp", "pnni", "pim", "aris", "scps", "qnx", "a/n", "ipcomp", "snp",
            "compaq-peer", "ipx-in-ip", "vrrp", "pgm", null, "l2tp", "ddx", "iatp", "stp", "srp",
            "uti", "smp", "sm", "ptp", "isis over ipv4", "fire", "crtp", "crudp", "sscopmce", "iplt",
            "sps", "pipe", "sctp", "fc", "rsvp-e2e-ignore", "mobility header", "udplite", "mpls-in-ip", "manet", "hip",
            "shim6", "wesp", "rohc", "ethernet", "aggfrag", "nsh",
        ];
        var names = new byte[]?[keywords.Length];
        for (var i = 0; i < keywords.Length; i++)
        {
            // Keywords hold no character JSON must escape.
            names[i] = keywords[i] is { } k ? System.Text.Encoding.ASCII.GetBytes($"\"{k}\"") : null;
        }
        return names;
    }
}
