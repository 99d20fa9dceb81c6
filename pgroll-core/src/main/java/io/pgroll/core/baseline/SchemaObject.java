package io.pgroll.core.baseline;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One object of a schema as the baseline re-creates it: the statements that create it (its comments and options
 * included), the statement that drops it (null when it goes with the object it belongs to) and the objects it needs.
 *
 * @param key   unique within a schema, e.g. {@code pg_class:16384}
 * @param phase where it goes among objects that do not depend on each other: types before tables, tables before
 *              functions, and so on, as pg_dump orders them
 */
record SchemaObject(String key, String label, Phase phase, List<String> create, String drop, Set<String> needs) {

    /** Kinds of object in the order they are created when nothing else decides. */
    enum Phase {
        EXTENSION, TYPE, SEQUENCE, TABLE, FUNCTION, CONSTRAINT, INDEX, VIEW, RULE, TRIGGER, POLICY, STATISTICS, OPTION
    }

    SchemaObject(String key, String label, Phase phase, String create, String drop) {
        this(key, label, phase, new ArrayList<>(List.of(create)), drop, new LinkedHashSet<>());
    }
}
