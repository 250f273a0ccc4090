using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FlowLogForwarder.TestSupport;

/// <summary>The one way the tests' servers start: Kestrel on an ephemeral 127.0.0.1 port, one request handler.</summary>
public static class LoopbackHost
{
    /// <summary>A server not yet started, listening on 127.0.0.1 only.</summary>
    public static WebApplication Create(long? maxRequestBodySize = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0);
            if (maxRequestBodySize is { } limit)
            {
                options.Limits.MaxRequestBodySize = limit;
            }
        });
        return builder.Build();
    }

    /// <summary>Starts <paramref name="app"/> with <paramref name="handler"/> for every request; returns its base address.</summary>
    public static async Task<Uri> StartAsync(WebApplication app, RequestDelegate handler)
    {
        app.Run(handler);
        await app.StartAsync();
        return new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }
}
