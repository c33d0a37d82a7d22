[assembly: Carillon.ScheduleVersion("2.3.0")]

namespace Carillon.Dashboard.Tests.Live;

/// <summary>
/// The live app's recurring tasks, declared like any application's: the generator turns them into the registry that
/// <c>AddGeneratedSchedules()</c> registers. Their crons fire once a year, so every run a test sees is one it triggered.
/// </summary>
public sealed class LedgerJobs
{
    [ScheduledAction("0 0 4 1 1 *", Id = "ledger.close-year", TimeZone = "Europe/Paris", Timeout = 60)]
    public Task CloseYear(ScheduledActionContext context, CancellationToken cancellationToken) => Task.Delay(TimeSpan.FromMilliseconds(30), cancellationToken);

    [ScheduledAction("@yearly", Id = "ledger.archive")]
    public static void Archive(ScheduledActionContext context)
    {
    }
}
