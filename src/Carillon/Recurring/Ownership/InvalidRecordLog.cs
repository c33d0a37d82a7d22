using Carillon.Kafka;
using Microsoft.Extensions.Logging;

namespace Carillon.Recurring.Ownership;

/// <summary>
/// Logs skipped schedules records at a bounded cost (issue 8): every one is counted, the first few of each window get a
/// line (with record text made printable and capped by <see cref="RecordText"/>), the rest one summary line. Thousands
/// of garbage records then cost a counter increment each, not a console write each, and the one-second task keeps its
/// lateness while they are skipped. Used from the consumer thread only.
/// </summary>
internal sealed class InvalidRecordLog(ILogger logger, TimeProvider time)
{
    private const int LinesPerWindow = 10;
    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(10);
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private int _logged;
    private long _suppressed;

    public void Invalid(long offset, string reason, string metricReason)
    {
        RecurringMetrics.RecordInvalid(metricReason);
        if (Admit())
        {
            logger.InvalidRecord(offset, RecordText.Printable(reason));
        }
    }

    public void UnknownTask(string command, long offset, string taskId)
    {
        RecurringMetrics.RecordInvalid("unknown_task");
        if (Admit())
        {
            logger.UnknownTaskCommand(command, offset, RecordText.Printable(taskId));
        }
    }

    public void NonExclusiveTask(string command, long offset, string taskId)
    {
        if (Admit())
        {
            logger.NonExclusiveTaskCommand(command, offset, RecordText.Printable(taskId));
        }
    }

    private bool Admit()
    {
        var now = time.GetUtcNow();
        if (now - _windowStart >= s_window)
        {
            if (_suppressed > 0)
            {
                logger.InvalidRecordsSuppressed(_suppressed, (int)s_window.TotalSeconds);
            }

            _windowStart = now;
            _logged = 0;
            _suppressed = 0;
        }

        if (_logged < LinesPerWindow)
        {
            _logged++;
            return true;
        }

        _suppressed++;
        return false;
    }
}
