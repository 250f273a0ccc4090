using System.Net;
using System.Net.Sockets;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.Tests.Delivery;

/// <summary>
/// The rule of the delivery boundary, walked status by status: only 2xx delivers; 400 and 413 are split; 408, 429 and
/// 5xx are retried; every other answer, and every network fault that outlasts the retries, stops the object.
/// </summary>
public sealed class ResponseClassTests
{
    private static readonly byte[] Body = """[{"timestamp":1763805960000000000,"body":"x"}]"""u8.ToArray();

    // The table, written out: every status not named here takes its range's class.
    private static (ResponseClass Class, DeliveryStatus Final) Expected(int status) => status switch
    {
        400 or 413 => (ResponseClass.Refused, DeliveryStatus.Refused),
        401 or 403 => (ResponseClass.StopsObject, DeliveryStatus.Unauthorized),
        404 => (ResponseClass.StopsObject, DeliveryStatus.NotFound),
        408 or 429 => (ResponseClass.Transient, DeliveryStatus.RetriesExhausted),
        < 200 => (ResponseClass.StopsObject, DeliveryStatus.UnexpectedStatus),
        < 300 => (ResponseClass.Delivered, DeliveryStatus.Delivered),
        < 400 => (ResponseClass.StopsObject, DeliveryStatus.Redirected),
        < 500 => (ResponseClass.StopsObject, DeliveryStatus.UnexpectedStatus),
        _ => (ResponseClass.Transient, DeliveryStatus.RetriesExhausted),
    };

    [Fact]
    public void Every_status_from_100_to_599_has_the_class_of_the_table()
    {
        for (var status = 100; status <= 599; status++)
        {
            var (expectedClass, expectedFinal) = Expected(status);
            Assert.True(expectedClass == ResponseClassifier.Classify(status), $"HTTP {status}: expected {expectedClass}, got {ResponseClassifier.Classify(status)}");
            Assert.True(expectedFinal == ResponseClassifier.StatusOf(status), $"HTTP {status}: expected {expectedFinal}");
            var result = new DeliveryResult(expectedFinal, 1, status, null);
            // Only 2xx delivers, and only 2xx or an understood refusal lets the object go on.
            Assert.Equal(status is >= 200 and <= 299, result.Status == DeliveryStatus.Delivered);
            Assert.Equal(expectedClass is ResponseClass.StopsObject or ResponseClass.Transient, result.StopsObject);
        }
    }

    [Fact]
    public async Task The_client_gives_every_final_status_from_200_to_599_the_class_of_the_table()
    {
        var statusOfNext = 0;
        await using var server = new RawHttpServer(_ => (
            $"HTTP/1.1 {statusOfNext} Whatever\r\nContent-Length: 7\r\nLocation: http://127.0.0.2:9/elsewhere\r\nRetry-After: 0\r\n\r\nanswer!", false));
        using var http = SigNozClient.CreateHttpClient();
        var time = new RecordingTimeProvider(TimeSpan.FromSeconds(17));
        var client = new SigNozClient(http, new SigNozClientOptions { Compression = BodyCompression.None, Endpoint = server.Endpoint, MaxAttempts = 2, AttemptTimeout = TimeSpan.FromSeconds(17) }, time);

        for (var status = 200; status <= 599; status++)
        {
            statusOfNext = status;
            var requestsBefore = server.Requests;
            var result = await client.SendAsync(Body, CancellationToken.None);
            var (expectedClass, expectedFinal) = Expected(status);
            Assert.True(expectedFinal == result.Status, $"HTTP {status}: expected {expectedFinal}, got {result.Status} ({result.Error})");
            Assert.Equal(status, result.HttpStatus);
            // Transient answers are retried (here once more), nothing else is.
            var attempts = expectedClass == ResponseClass.Transient ? 2 : 1;
            Assert.True(attempts == result.Attempts, $"HTTP {status}: {result.Attempts} attempts");
            Assert.Equal(attempts, server.Requests - requestsBefore);
            if (expectedFinal == DeliveryStatus.Redirected)
            {
                Assert.Contains($"HTTP {status} redirect to host '127.0.0.2'", result.Error, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData(100)]
    [InlineData(101)]
    [InlineData(102)]
    [InlineData(150)]
    [InlineData(199)]
    public async Task A_1xx_answer_never_delivers_and_stops_the_object(int status)
    {
        // A 1xx is informational: a client waits for the final answer, which this server never sends.
        await using var server = new RawHttpServer(_ => ($"HTTP/1.1 {status} Informational\r\n\r\n", true));
        using var http = SigNozClient.CreateHttpClient();
        var client = new SigNozClient(http, new SigNozClientOptions { Compression = BodyCompression.None, Endpoint = server.Endpoint, MaxAttempts = 1, AttemptTimeout = TimeSpan.FromSeconds(5) },
            TimeProvider.System);

        var result = await client.SendAsync(Body, CancellationToken.None);

        Assert.NotEqual(DeliveryStatus.Delivered, result.Status);
        Assert.True(result.StopsObject, $"HTTP {status}: {result.Status}");
    }

    public static TheoryData<string> NetworkFaults => ["refused", "closed before answering", "no answer within the attempt timeout", "malformed status line"];

    [Theory]
    [MemberData(nameof(NetworkFaults))]
    public async Task Network_faults_are_retried_then_stop_the_object(string fault)
    {
        await using var server = new RawHttpServer(_ => fault switch
        {
            "closed before answering" => ("", true),
            "malformed status line" => ("HTTP/1.1 2OO OK\r\n\r\n", true),
            _ => throw new InvalidOperationException("unused"),
        });
        var endpoint = server.Endpoint;
        if (fault == "refused")
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/logs/json");
            listener.Stop();
        }
        using var silent = new TcpListener(IPAddress.Loopback, 0); // accepts connections (backlog) and never answers
        if (fault == "no answer within the attempt timeout")
        {
            silent.Start();
            endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/logs/json");
        }
        using var http = SigNozClient.CreateHttpClient();
        var client = new SigNozClient(http, new SigNozClientOptions { Compression = BodyCompression.None, Endpoint = endpoint, MaxAttempts = 2, AttemptTimeout = TimeSpan.FromMilliseconds(500) },
            new RecordingTimeProvider(TimeSpan.FromMilliseconds(500)));

        var result = await client.SendAsync(Body, CancellationToken.None);

        Assert.Equal(DeliveryStatus.RetriesExhausted, result.Status);
        Assert.Equal(2, result.Attempts);
        Assert.True(result.StopsObject);
    }
}
