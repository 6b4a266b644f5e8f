using System.Reflection;
using Rhythmic.Core.Events;

namespace Rhythmic.Warehouse.Tests;

/// <summary>The warehouse's inputs follow <see cref="EventSchema"/>: its column names and positions are the schema's fields and numbers.</summary>
public sealed class EventColumnsContractTests
{
    [Fact]
    public void The_loads_read_the_schemas_fields_in_its_order_and_each_position_names_its_field()
    {
        Assert.Equal(EventSchema.Fields.Select(f => f.Name), EventColumns.Names);
        var positions = typeof(EventColumns).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(int)).ToList();
        Assert.Equal(EventSchema.Fields.Count, positions.Count);
        foreach (var p in positions)
            Assert.Equal(char.ToLowerInvariant(p.Name[0]) + p.Name[1..], EventColumns.Names[(int)p.GetRawConstantValue()!]);
    }

    [Fact]
    public void Every_lake_column_of_an_event_field_is_one_the_loads_can_read()
    {
        foreach (var topic in Topics.All)
            Assert.Subset(EventColumns.Names.ToHashSet(), Rhythmic.Lake.EventTable.SchemaOf(topic).Columns.Select(c => c.Name)
                .Where(n => !n.StartsWith('_')).ToHashSet());
    }
}
