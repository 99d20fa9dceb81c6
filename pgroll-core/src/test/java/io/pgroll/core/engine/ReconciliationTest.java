package io.pgroll.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pgroll.core.MigrationStateException;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationReader;
import io.pgroll.core.state.MigrationRecord;
import io.pgroll.core.state.StateStore.SinceBaseline;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The matching of local files with the recorded history, as a pure function: no database. */
class ReconciliationTest {

    private static final String DROP_A = "{\"operations\":[{\"drop_table\":{\"name\":\"a\"}}]}";
    private static final String DROP_B = "{\"operations\":[{\"drop_table\":{\"name\":\"b\"}}]}";

    private static MigrationRecord applied(String name, String json) {
        return new MigrationRecord("public", name, json, null, null, null, true, "{}", MigrationRecord.TYPE_PGROLL);
    }

    private static Migration file(String fileName, String content) {
        return MigrationReader.parse(fileName, content);
    }

    private static List<String> names(List<Migration> migrations) {
        return migrations.stream().map(Migration::name).toList();
    }

    @Test
    void appliedFilesAreSkippedWhateverTheirFormatting() {
        SinceBaseline history = new SinceBaseline(null, List.of(applied("01", DROP_A)));
        List<Migration> local = List.of(
                file("01.yaml", "# reformatted as YAML, with a comment\noperations:\n  - drop_table: {name: a}\n"),
                file("02.json", DROP_B));

        assertEquals(List.of("02"), names(Reconciliation.pending(history, local)));
    }

    @Test
    void filesUpToTheBaselineAreSkipped() {
        SinceBaseline history = new SinceBaseline("02_base", List.of(applied("03", DROP_A)));
        List<Migration> local = List.of(file("01.json", DROP_B), file("02_base.json", DROP_B), file("03.json", DROP_A),
                file("04.json", DROP_B));

        assertEquals(List.of("04"), names(Reconciliation.pending(history, local)));
    }

    @Test
    void aDatabaseWithoutHistoryStartsFromTheNewestBaselineFile() {
        String baseline = "{\"operations\":[{\"sql\":{\"up\":\"-- pgroll baseline: schema \\\"public\\\"\\nCREATE TABLE a ()\"}}]}";
        List<Migration> local = List.of(file("00_base.json", baseline), file("01.json", DROP_A),
                file("02_base.json", baseline), file("03.json", DROP_B));

        assertEquals(List.of("02_base", "03"), names(Reconciliation.pending(new SinceBaseline(null, List.of()), local)));
        // once there is history, the files are matched with it as pgroll does
        assertEquals(List.of("01", "02_base", "03"),
                names(Reconciliation.pending(new SinceBaseline(null, List.of(applied("00_base", baseline))), local)));
        // a sql migration that does not start with the marker is an ordinary migration
        List<Migration> plain = List.of(file("01.json", DROP_A), file("02.json",
                "{\"operations\":[{\"sql\":{\"up\":\"CREATE TABLE a ()\"}}]}"));
        assertEquals(List.of("01", "02"), names(Reconciliation.pending(new SinceBaseline(null, List.of()), plain)));
    }

    @Test
    void aRenamedFileIsAMismatchNamingBoth() {
        SinceBaseline history = new SinceBaseline(null, List.of(applied("01", DROP_A)));
        MigrationStateException e = assertThrows(MigrationStateException.class,
                () -> Reconciliation.pending(history, List.of(file("01_renamed.json", DROP_A))));
        assertEquals("remote migration does not match local migration: remote=\"01\", local=\"01_renamed\"",
                e.getMessage());
    }

    @Test
    void anEditedAppliedFileIsRefusedSayingWhatDiffers() {
        SinceBaseline history = new SinceBaseline(null, List.of(applied("01", DROP_A)));

        assertEquals("migration \"01\" was changed after it was applied: operations[0] (drop_table) differs from what "
                        + "was applied; restore the applied version of the file (pgroll pull writes it) and put the "
                        + "change in a new migration",
                assertThrows(MigrationStateException.class,
                        () -> Reconciliation.pending(history, List.of(file("01.json", DROP_B)))).getMessage());
        assertEquals("the file has 2 operations, 1 were applied", Reconciliation.difference(file("01.json", DROP_A),
                file("01.json", "{\"operations\":[{\"drop_table\":{\"name\":\"a\"}},{\"drop_table\":{\"name\":\"b\"}}]}")));
        assertEquals("operations[0] is sql in the file, drop_table when applied", Reconciliation.difference(
                file("01.json", DROP_A), file("01.json", "{\"operations\":[{\"sql\":{\"up\":\"SELECT 1\"}}]}")));
        assertEquals("version_schema is \"v1\" in the file, not set when applied", Reconciliation.difference(
                file("01.json", DROP_A), file("01.json", "{\"version_schema\":\"v1\"," + DROP_A.substring(1))));
    }

    @Test
    void aRecordTheToolCannotReadIsNotCompared() {
        SinceBaseline history = new SinceBaseline(null, List.of(applied("01", "{\"name\":\"01\",\"operations\":[]}")));
        assertEquals(List.of("02"), names(Reconciliation.pending(history,
                List.of(file("01.json", DROP_A), file("02.json", DROP_B)))));
    }
}
