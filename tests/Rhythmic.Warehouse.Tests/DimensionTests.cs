using FsCheck;
using FsCheck.Fluent;
using Npgsql;
using Rhythmic.Testing;

namespace Rhythmic.Warehouse.Tests;

public sealed class DimensionTests
{
    [Fact]
    public async Task Dim_time_has_one_row_per_second_of_the_day()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        Assert.Equal(86_400, await TestPostgres.ScalarAsync<long>(cs, "select count(distinct time_key) from dw.dim_time"));
        Assert.Equal("23:59:59", await TestPostgres.ScalarAsync<string>(cs, "select time_label from dw.dim_time where time_key = 86399"));
    }

    [Fact]
    public async Task Dim_date_is_extended_without_gaps_to_every_loaded_date()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        await TestPostgres.ExecAsync(cs, "select dw.ensure_dates('2024-03-01', '2024-03-02'); select dw.ensure_dates('2031-01-01', '2031-01-01')");
        Assert.Equal(new DateTime(2031, 1, 1) - new DateTime(2024, 3, 1), TimeSpan.FromDays(await TestPostgres.ScalarAsync<long>(cs, "select count(*) - 1 from dw.dim_date")));
        Assert.Equal(20310101L, await TestPostgres.ScalarAsync<long>(cs, "select max(date_key) from dw.dim_date"));
    }

    [Fact]
    public async Task Weekend_and_US_holiday_flags_match_a_calendar_computed_independently()
    {
        var cs = await TestPostgres.CreateDatabaseAsync();
        await TestPostgres.ExecAsync(cs, "select dw.ensure_dates('1995-01-01', '2060-12-31')");
        var rows = new Dictionary<DateOnly, (bool Weekend, bool Holiday, int Dow, int Week)>();
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("select date, is_weekend, is_us_holiday, day_of_week, week_of_year from dw.dim_date", conn);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) rows[r.GetFieldValue<DateOnly>(0)] = (r.GetBoolean(1), r.GetBoolean(2), r.GetInt16(3), r.GetInt16(4));
        }
        var first = new DateOnly(1995, 1, 1);
        Prop.ForAll(Gen.Choose(0, rows.Count - 1).ToArbitrary(), offset =>
        {
            var d = first.AddDays(offset);
            var row = rows[d];
            return row.Weekend == d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday
                && row.Holiday == UsHolidays.IsHoliday(d)
                && row.Dow == ((int)d.DayOfWeek + 6) % 7 + 1
                && row.Week == System.Globalization.ISOWeek.GetWeekOfYear(d.ToDateTime(TimeOnly.MinValue));
        }).QuickCheckThrowOnFailure();
        Assert.True(rows[new DateOnly(2024, 11, 28)].Holiday);   // Thanksgiving
        Assert.True(rows[new DateOnly(2024, 5, 27)].Holiday);    // Memorial Day (last Monday)
        Assert.False(rows[new DateOnly(2024, 5, 20)].Holiday);
        Assert.Equal(11, rows.Count(r => r.Key.Year == 2024 && r.Value.Holiday));
    }
}

/// <summary>The US federal holidays, computed from their rules (a reference independent of the SQL).</summary>
internal static class UsHolidays
{
    public static bool IsHoliday(DateOnly d)
    {
        var y = d.Year;
        DateOnly[] days =
        [
            new(y, 1, 1), Nth(y, 1, DayOfWeek.Monday, 3), Nth(y, 2, DayOfWeek.Monday, 3), Last(y, 5, DayOfWeek.Monday),
            new(y, 7, 4), Nth(y, 9, DayOfWeek.Monday, 1), Nth(y, 10, DayOfWeek.Monday, 2), new(y, 11, 11),
            Nth(y, 11, DayOfWeek.Thursday, 4), new(y, 12, 25),
        ];
        return days.Contains(d) || (y >= 2021 && d == new DateOnly(y, 6, 19));
    }

    private static DateOnly Nth(int y, int m, DayOfWeek dow, int n)
    {
        var d = new DateOnly(y, m, 1);
        while (d.DayOfWeek != dow) d = d.AddDays(1);
        return d.AddDays(7 * (n - 1));
    }

    private static DateOnly Last(int y, int m, DayOfWeek dow)
    {
        var d = new DateOnly(y, m, DateTime.DaysInMonth(y, m));
        while (d.DayOfWeek != dow) d = d.AddDays(-1);
        return d;
    }
}
