using Outage.Detection;
using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>Rejects series settings the detector cannot run with when the host starts, rather than at each series' activation.</summary>
public sealed class SeriesOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<SeriesOptions>
{
    /// <inheritdoc />
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, SeriesOptions options)
    {
        try
        {
            options.DetectorSettings(minDistinctReporters: 1).Validate();
        }
        catch (ArgumentException e)
        {
            return Microsoft.Extensions.Options.ValidateOptionsResult.Fail($"{SeriesOptions.Section}: {e.Message}");
        }

        return options.DedupeCapacity < 1024 || options.DeviceDedupeWindow <= TimeSpan.Zero || options.ReportIdRetention <= TimeSpan.Zero
            || options.HistoryRetentionDays is < 1 or > 3660
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(
                $"{SeriesOptions.Section}: DedupeCapacity must be at least 1024, the dedupe windows positive, HistoryRetentionDays 1 to 3660.")
            : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
    }
}
