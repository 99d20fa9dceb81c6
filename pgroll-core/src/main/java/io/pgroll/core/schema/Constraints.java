package io.pgroll.core.schema;

import java.util.List;

/** Read-only descriptions of indexes and constraints, as reported by the state schema's read_schema(). */
public final class Constraints {

    private Constraints() {
    }

    /** Anything with a name and a set of columns that operations may need to find, rename or copy. */
    public sealed interface Named permits Index, Check, Unique, ForeignKey, Exclude {
        String name();

        List<String> columns();
    }

    public record Index(String name, boolean unique, boolean exclusion, List<String> columns, String predicate,
                        String method, String definition) implements Named {
    }

    public record Check(String name, List<String> columns, String definition, boolean noInherit) implements Named {
    }

    public record Unique(String name, List<String> columns) implements Named {
    }

    public record ForeignKey(String name, List<String> columns, String referencedTable,
                             List<String> referencedColumns, String matchType, String onDelete, String onUpdate)
            implements Named {
    }

    public record Exclude(String name, List<String> columns, String definition, String predicate, String method)
            implements Named {
    }
}
