using Carillon;
using Microsoft.Extensions.Logging;

namespace Carillon.Sample.Services;

/// <summary>A six-field (seconds first) cron, run on every instance rather than once cluster-wide.</summary>
public sealed class HeartbeatService(ILogger<HeartbeatService> logger)
{
    // Overlap allowed, with a timeout so that slow heartbeats cannot pile up (CRL010).
    [ScheduledAction("*/10 * * * * *", Exclusive = false, AllowOverlap = true, Timeout = 30)]
    public void Heartbeat(ScheduledActionContext context) => logger.LogInformation("Heartbeat {Occurrence} on {Instance}", context.Occurrence, context.InstanceId);
}
