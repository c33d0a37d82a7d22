using Carillon;
using Microsoft.Extensions.Logging;

namespace Carillon.Sample.Controllers;

/// <summary>
/// An instance task: the generated code resolves the controller (and its logger and clock) from the service scope. It
/// waits on the injected <see cref="TimeProvider"/>, so the simulated clock of its tests moves it too (docs/testing.md).
/// </summary>
public sealed class ReportsController(ILogger<ReportsController> logger, TimeProvider time)
{
    // 04:00 Paris time exists exactly once every day; 02:00 would fall into the daylight-saving changes (CRL011).
    [ScheduledAction("0 4 * * *", TimeZone = "Europe/Paris", Timeout = 600)]
    public async Task NightlyReport(CancellationToken cancellationToken)
    {
        logger.LogInformation("Building the nightly report");
        await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
    }

    [ScheduledAction("0 8 * * 1", Id = "reports.weekly-digest", Misfire = MisfirePolicy.Skip)]
    [ScheduleVersion("1.1.0")]
    public ValueTask WeeklyDigest(ScheduledActionContext context)
    {
        logger.LogInformation("Weekly digest for the occurrence of {Occurrence}", context.Occurrence);
        return ValueTask.CompletedTask;
    }
}
