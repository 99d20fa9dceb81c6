package io.pgroll.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.migration.MigrationReader;
import io.pgroll.core.migration.MigrationWriter;
import io.pgroll.core.state.MigrationRecord;
import io.pgroll.core.state.StateStore;
import io.pgroll.core.testing.HarnessTest;
import io.pgroll.core.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PullTest extends HarnessTest {

    private static final String CREATE = """
            {"operations":[{"create_table":{"name":"items","columns":[
              {"name":"id","type":"serial","pk":true},{"name":"title","type":"text","nullable":true,"default":"'x'"}]}}]}""";
    private static final String ALTER = """
            {"version_schema":"v_alter","operations":[{"alter_column":{"table":"items","column":"title",
              "nullable":false,"up":"COALESCE(title, 'untitled')","down":"title"}},
              {"create_index":{"name":"items_title","table":"items","columns":[{"column":"title"}]}}]}""";

    @TempDir
    Path dir;

    private List<MigrationRecord> history() throws Exception {
        try (Connection c = TestPostgres.connect(h.url)) {
            return new StateStore(c, "pgroll").history(h.schema);
        }
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesWhatTheDirectoryLacksAndEachFileParsesBackToTheRecordedOperations() throws Exception {
        h.startAndComplete("01_create", CREATE);
        h.execRaw("CREATE TABLE notes (id int)"); // DDL outside pgroll: an inferred migration
        h.start("02_alter", ALTER); // an active migration is part of the history too
        List<MigrationRecord> history = history();
        assertEquals(3, history.size());
        assertEquals("inferred", history.get(1).migrationType());

        Path target = dir.resolve("migrations");
        List<Path> written = h.roll.pull(target, false);

        assertEquals(history.stream().map(r -> r.name() + ".yaml").toList(),
                written.stream().map(p -> p.getFileName().toString()).toList());
        for (MigrationRecord r : history) {
            Migration pulled = MigrationReader.read(target.resolve(r.name() + ".yaml"));
            Migration recorded = MigrationWriter.fromJson(r.name(), r.migrationJson());
            assertEquals(recorded.operations(), pulled.operations(), r.name());
            assertEquals(recorded.versionSchema(), pulled.versionSchema(), r.name());
        }
        assertTrue(Files.readString(target.resolve("02_alter.yaml")).contains("version_schema: v_alter"));
        // nothing left to pull: a second run writes nothing and changes nothing
        String before = Files.readString(target.resolve("01_create.yaml"));
        assertEquals(List.of(), h.roll.pull(target, false));
        assertEquals(before, Files.readString(target.resolve("01_create.yaml")));
    }

    @Test
    void aPartlyFilledDirectoryKeepsItsFilesWhateverTheirFormat() throws Exception {
        h.startAndComplete("01_create", CREATE);
        h.startAndComplete("02_alter", ALTER);
        String mine = "# my own formatting\noperations:\n  - create_table: {name: items, columns: []}\n";
        Files.writeString(dir.resolve("01_create.yml"), mine);
        Files.writeString(dir.resolve("README.md"), "not a migration");

        List<Path> written = h.roll.pull(dir, true);

        assertEquals(List.of(dir.resolve("02_alter.json")), written);
        assertEquals(List.of("01_create.yml", "02_alter.json", "README.md"), files(dir));
        assertEquals(mine, Files.readString(dir.resolve("01_create.yml")));
        assertEquals(MigrationWriter.toJson(MigrationReader.read(dir.resolve("02_alter.json"))),
                Files.readString(dir.resolve("02_alter.json")), "JSON as pgroll writes it: 2-space indent, newline at end");
        assertTrue(Files.readString(dir.resolve("02_alter.json")).startsWith("{\n  \"version_schema\": \"v_alter\","));
    }

    @Test
    void onlyMigrationsAfterTheNewestBaselineArePulled() throws Exception {
        h.startAndComplete("01_create", CREATE);
        try (Connection c = TestPostgres.connect(h.url)) {
            new StateStore(c, "pgroll").insertBaseline(h.schema, "01_z_baseline");
        }
        h.startAndComplete("02_alter", ALTER);

        assertEquals(List.of(dir.resolve("02_alter.yaml")), h.roll.pull(dir, false));
        assertEquals(List.of("02_alter.yaml"), files(dir));
    }

    @Test
    void aRecordedNameThatIsNoFileNameIsRefusedBeforeAnythingIsWritten() throws Exception {
        h.startAndComplete("01_create", CREATE);
        try (Connection c = TestPostgres.connect(h.url)) {
            StateStore store = new StateStore(c, "pgroll");
            store.insertStarted(h.schema, "../escape", "{\"operations\":[{\"sql\":{\"up\":\"SELECT 1\"}}]}",
                    store.readSchema(h.schema));
            store.markCompleted(h.schema, "../escape");
        }

        MigrationFileException e = assertThrows(MigrationFileException.class, () -> h.roll.pull(dir, false));

        assertTrue(e.getMessage().contains("migration name \"../escape\" cannot be used as a file name"), e.getMessage());
        assertEquals(List.of(), files(dir));
        assertFalse(Files.exists(dir.resolveSibling("escape.yaml")));
    }

    @Test
    void analyzePrintsTheSchemaAsPgrollReadsIt() throws Exception {
        h.startAndComplete("01_create", CREATE);
        String json = h.roll.analyze();
        String readSchema;
        try (Connection c = TestPostgres.connect(h.url)) {
            readSchema = new StateStore(c, "pgroll").readSchema(h.schema);
        }
        ObjectMapper mapper = new ObjectMapper();
        assertEquals(mapper.readTree(readSchema), mapper.readTree(json));
        assertTrue(json.contains("\n    \"items\": {"), json);
        assertEquals("integer", mapper.readTree(json).at("/tables/items/columns/id/type").asText());
    }
}
