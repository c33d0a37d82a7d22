using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Carillon.Telemetry;

/// <summary>The <c>Carillon</c> Meter and ActivitySource; OpenTelemetry picks them up by name.</summary>
public static class CarillonTelemetry
{
    /// <summary>Name of the Meter and ActivitySource.</summary>
    public const string Name = "Carillon";

    /// <summary>Traces of runs and dispatches.</summary>
    public static readonly ActivitySource ActivitySource = new(Name, typeof(CarillonTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>All Carillon instruments live on this meter.</summary>
    public static readonly Meter Meter = new(Name, typeof(CarillonTelemetry).Assembly.GetName().Version?.ToString());
}
