namespace FlowLogForwarder.Mapping;

/// <summary>Which names the forwarded attributes carry.</summary>
public enum AttributeNaming
{
    /// <summary>OpenTelemetry semantic conventions, as the OpenTelemetry collector's VPC flow log decoder writes them.</summary>
    OpenTelemetry,
    /// <summary>AWS's own field names (<c>srcaddr</c>, <c>log-status</c>, ...), for users migrating from forwarders that kept them.</summary>
    Aws,
}
