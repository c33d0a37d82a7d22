using Carillon;
using Microsoft.Extensions.Logging;

namespace Carillon.Sample.Services;

/// <summary>A six-field (seconds first) cron, run on every instance rather than once cluster-wide.</summary>
public sealed class HeartbeatService(ILogger<HeartbeatService> logger)
{
    [ScheduledAction("*/10 * * * * *", Exclusive = false, AllowOverlap = true)]
    public void Heartbeat(ScheduledActionContext context) => logger.LogInformation("Heartbeat {Occurrence} on {Instance}", context.Occurrence, context.InstanceId);
}
