using Rhythmic.Core;

namespace Rhythmic.Core.Tests;

public sealed class IsoTimeTests
{
    [Theory]
    [InlineData("2024-03-09", "2024-03-09T00:00:00.0000000+00:00")]
    [InlineData("2024-03-09T22", "2024-03-09T22:00:00.0000000+00:00")]
    [InlineData(" 2024-03-09T22:15 ", "2024-03-09T22:15:00.0000000+00:00")]
    [InlineData("2024-03-09T22:15:30Z", "2024-03-09T22:15:30.0000000+00:00")]
    [InlineData("2024-03-09T22:15:30.250Z", "2024-03-09T22:15:30.2500000+00:00")]
    [InlineData("2024-03-09T23:15:30+01:00", "2024-03-09T22:15:30.0000000+00:00")]
    [InlineData("2024-03-10T00:30:00+02:00", "2024-03-09T22:30:00.0000000+00:00")]
    public void An_iso_date_or_date_time_is_read_as_utc_and_without_an_offset_taken_as_utc(string text, string expected)
    {
        Assert.True(IsoTime.TryParse(text, out DateTimeOffset value));
        Assert.Equal(expected, value.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(IsoTime.TryParse(text, out DateTime utc));
        Assert.Equal(DateTimeKind.Utc, utc.Kind);
        Assert.Equal(value.UtcDateTime, utc);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("noon")]
    [InlineData("2024")]
    [InlineData("3/9/2024")]
    [InlineData("March 9, 2024")]
    [InlineData("2024-13-01")]
    [InlineData("2024-03-09T25")]
    public void Anything_else_is_refused(string? text)
    {
        Assert.False(IsoTime.TryParse(text, out DateTimeOffset _));
        Assert.False(IsoTime.TryParseHour(text, out _));
    }

    [Fact]
    public void An_hour_is_the_time_truncated_to_its_utc_hour()
    {
        Assert.True(IsoTime.TryParseHour("2024-03-09T23:59:59+01:00", out var hour));
        Assert.Equal(new DateTime(2024, 3, 9, 22, 0, 0, DateTimeKind.Utc), hour);
        Assert.Equal(DateTimeKind.Utc, hour.Kind);
    }
}
