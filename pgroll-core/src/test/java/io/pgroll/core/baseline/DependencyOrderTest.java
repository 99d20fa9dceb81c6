package io.pgroll.core.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pgroll.core.PgRollException;
import io.pgroll.core.baseline.SchemaObject.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order of a baseline script, without a database. */
class DependencyOrderTest {

    private static SchemaObject object(String key, Phase phase, String... needs) {
        SchemaObject o = new SchemaObject(key, key, phase, "CREATE " + key, null);
        o.needs().addAll(List.of(needs));
        return o;
    }

    private static List<String> keys(List<SchemaObject> objects) {
        return objects.stream().map(SchemaObject::key).toList();
    }

    @Test
    void phasesDecideUnlessADependencyPullsAnObjectEarlier() {
        List<SchemaObject> objects = List.of(
                object("view", Phase.VIEW, "table_b"),
                object("table_b", Phase.TABLE, "slugify"),
                object("trigger_fn", Phase.FUNCTION),
                object("table_a", Phase.TABLE, "mood"),
                object("slugify", Phase.FUNCTION),
                object("mood", Phase.TYPE),
                object("fk", Phase.CONSTRAINT, "table_a", "table_b", "elsewhere"));

        // the functions wait for the tables that are free to go; slugify then comes before the table that calls it
        assertEquals(List.of("mood", "table_a", "trigger_fn", "slugify", "table_b", "fk", "view"),
                keys(DependencyOrder.sort(objects)));
    }

    @Test
    void aCycleIsAnErrorNamingItsObjects() {
        PgRollException e = assertThrows(PgRollException.class, () -> DependencyOrder.sort(List.of(
                object("a", Phase.TABLE, "b"), object("b", Phase.FUNCTION, "a"), object("c", Phase.TYPE))));
        assertEquals("cannot write the schema as a script: these objects depend on each other in a cycle: a, b",
                e.getMessage());
    }
}
