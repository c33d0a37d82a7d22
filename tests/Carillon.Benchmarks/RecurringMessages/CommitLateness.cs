using System.Diagnostics.Metrics;

namespace Carillon.Benchmarks.RecurringMessages;

/// <summary>
/// The owners' own lateness figure, <c>carillon.recurring_messages.lateness</c> (commit of the transaction minus the
/// occurrence, one value per on-time occurrence), collected while it listens: comparable with
/// <see cref="LatenessAnchor"/>'s commit lateness.
/// </summary>
internal sealed class CommitLateness : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<double> _values = [];
    private volatile bool _recording;

    public CommitLateness()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Carillon" && instrument.Name == "carillon.recurring_messages.lateness")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            if (_recording)
            {
                lock (_values)
                {
                    _values.Add(value);
                }
            }
        });
        _listener.Start();
    }

    public void Start() => _recording = true;

    /// <summary>Stops recording and returns what was recorded, sorted.</summary>
    public List<double> Stop()
    {
        _recording = false;
        lock (_values)
        {
            return [.. _values.Order()];
        }
    }

    public void Dispose() => _listener.Dispose();
}
