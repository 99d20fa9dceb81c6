package io.pgroll.core.plan;

import io.pgroll.core.schema.Table;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A table's columns as one version shows them, for the expressions written in that version's terms ({@code up} in
 * the old version's columns, {@code down} in the new version's).
 *
 * @param physical virtual column name to the physical column behind it
 * @param types    virtual column name to its type
 */
public record VersionColumns(Map<String, String> physical, Map<String, String> types) {

    public VersionColumns {
        physical = new LinkedHashMap<>(physical);
        types = new LinkedHashMap<>(types);
    }

    /** The visible columns of the table as the virtual schema has them now. */
    public static VersionColumns of(Table t) {
        Map<String, String> physical = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        t.visibleColumns().forEach(c -> {
            physical.put(c.name(), c.physicalName());
            types.put(c.name(), c.type());
        });
        return new VersionColumns(physical, types);
    }
}
