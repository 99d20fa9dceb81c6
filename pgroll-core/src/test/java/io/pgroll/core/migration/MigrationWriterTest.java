package io.pgroll.core.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MigrationWriterTest {

    private static Migration everything() {
        return MigrationReader.parse("15_everything.yaml", MigrationSamples.EVERY_OPERATION_YAML);
    }

    @Test
    void jsonFormat() {
        Migration m = new Migration("01_create", null, List.of(new CreateTable("t", List.of(
                new Column("id", "serial", false, false, true, null, null, null, null, null),
                new Column("n", "text", true, false, false, "'x'", null, null, null, null)), null, null)));
        assertEquals("""
                {
                  "operations": [
                    {
                      "create_table": {
                        "name": "t",
                        "columns": [
                          {
                            "name": "id",
                            "type": "serial",
                            "pk": true
                          },
                          {
                            "name": "n",
                            "type": "text",
                            "nullable": true,
                            "default": "'x'"
                          }
                        ]
                      }
                    }
                  ]
                }
                """, MigrationWriter.toJson(m));
    }

    @Test
    void versionSchemaFirstAndNameNeverWritten() {
        Migration m = new Migration("02_name", "v2", List.of(new DropIndex("i")));
        assertEquals("""
                {
                  "version_schema": "v2",
                  "operations": [
                    {
                      "drop_index": {
                        "name": "i"
                      }
                    }
                  ]
                }
                """, MigrationWriter.toJson(m));
        assertEquals("{\n  \"operations\": []\n}\n", MigrationWriter.toJson(new Migration("b", null, List.of())));
    }

    @Test
    void triStateAndBooleans() {
        AlterColumn alter = new AlterColumn("t", "c", null, false, null, null, null, TriState.NULL, TriState.ABSENT,
                null, null);
        String json = MigrationWriter.toJson(new Migration("m", null, List.of(alter)));
        assertTrue(json.contains("\"default\": null"), json);
        assertFalse(json.contains("comment"), json);
        assertTrue(json.contains("\"nullable\": false"), json); // boxed Boolean: false is a requested change
        assertFalse(json.contains("\"type\""), json);

        String yaml = MigrationWriter.toYaml(new Migration("m", null, List.of(alter)));
        assertTrue(yaml.contains("default: null"), yaml);
        assertFalse(yaml.contains("comment"), yaml);

        Column column = new Column("c", "int", false, false, false, null, null, null, null, null);
        String columnJson = MigrationWriter.toJson(new Migration("m", null, List.of(new AddColumn("t", column, null))));
        assertFalse(columnJson.contains("nullable"), columnJson);
        assertFalse(columnJson.contains("unique"), columnJson);
        assertFalse(columnJson.contains("pk"), columnJson);
        assertFalse(columnJson.contains("up"), columnJson);
    }

    @Test
    void yamlFormat() {
        Migration m = new Migration("03", "v3", List.of(
                new CreateConstraint("t", "u", "unique", List.of("b", "a"), null, false, null, null,
                        Map.of("b", "b", "a", "a"), Map.of("a", "a", "b", "b")),
                new RawSql("select 1;\nselect 2;\n", null, true)));
        assertEquals("""
                operations:
                - create_constraint:
                    columns:
                    - b
                    - a
                    down:
                      a: a
                      b: b
                    name: u
                    table: t
                    type: unique
                    up:
                      a: a
                      b: b
                - sql:
                    onComplete: true
                    up: |
                      select 1;
                      select 2;
                version_schema: v3
                """, MigrationWriter.toYaml(m));
    }

    @Test
    void yamlQuotesStringsThatWouldReadBackAsOtherTypes() {
        Migration m = new Migration("04", null, List.of(
                new DropColumn("t", "true", "0"),
                new AddColumn("t", new Column("c", "text", false, false, false, "'x'", null, null, "null", null),
                        "yes")));
        String yaml = MigrationWriter.toYaml(m);
        assertTrue(yaml.contains("column: \"true\""), yaml);
        assertTrue(yaml.contains("down: \"0\""), yaml);
        assertTrue(yaml.contains("comment: \"null\""), yaml);
        assertEquals(m, MigrationReader.parse("04.yaml", yaml));
    }

    @Test
    void roundTripThroughStoredJson() {
        Migration original = everything();
        Migration back = MigrationWriter.fromJson("15_everything", MigrationWriter.toJson(original));
        assertEquals(original, back);
    }

    @Test
    void roundTripThroughYamlAndJsonFiles() {
        Migration original = everything();
        assertEquals(original, MigrationReader.parse("15_everything.yaml", MigrationWriter.toYaml(original)));
        assertEquals(original, MigrationReader.parse("15_everything.json", MigrationWriter.toJson(original)));
    }

    @Test
    void roundTripOfEveryField() {
        String json = """
                {"version_schema": "all", "operations": [
                  {"create_table": {"name": "orders", "comment": "c", "columns": [
                    {"name": "id", "type": "bigint", "pk": true, "unique": true, "comment": "k",
                     "generated": {"identity": {"user_specified_values": "ALWAYS", "sequence_options": "START 1"}}},
                    {"name": "x", "type": "int", "nullable": true, "default": "1",
                     "generated": {"expression": "id * 2"},
                     "check": {"name": "ck", "constraint": "x > 0", "no_inherit": true},
                     "references": {"name": "f", "table": "u", "column": "id", "on_delete": "CASCADE",
                                    "on_update": "RESTRICT", "match_type": "FULL", "deferrable": true,
                                    "initially_deferred": true}}],
                   "constraints": [
                    {"name": "a", "type": "foreign_key", "columns": ["x"], "check": "x > 1", "deferrable": true,
                     "initially_deferred": true, "nulls_not_distinct": true, "no_inherit": true,
                     "references": {"table": "u", "columns": ["id"], "match_type": "SIMPLE", "on_delete": "SET NULL",
                                    "on_update": "NO ACTION", "on_delete_set_columns": ["x"]},
                     "exclude": {"index_method": "gist", "elements": "x WITH =", "predicate": "x > 0"},
                     "index_parameters": {"tablespace": "ts", "storage_parameters": "fillfactor=50",
                                          "include_columns": ["id"]}}]}},
                  {"alter_column": {"table": "t", "column": "c", "type": "text", "nullable": true,
                    "unique": {"name": "uq"}, "check": {"name": "ck", "constraint": "c <> ''"},
                    "references": {"name": "f", "table": "u", "column": "id"},
                    "default": "'d'", "comment": null, "up": "c::text", "down": "c::int"}},
                  {"create_index": {"name": "i", "table": "t", "method": "btree", "unique": true, "predicate": "c > 0",
                    "storage_parameters": "fillfactor=10",
                    "columns": [{"column": "c", "collate": "C", "sort": "DESC", "nulls": "FIRST",
                                 "opclass": {"name": "text_pattern_ops", "params": []}}]}},
                  {"create_constraint": {"table": "t", "name": "k", "type": "check", "check": "c > 0",
                    "no_inherit": true, "index_parameters": {"include_columns": []},
                    "references": {"table": "u", "columns": ["id"]}, "columns": ["c"],
                    "up": {"c": "GREATEST(c, 1)"}, "down": {"c": "c"}}},
                  {"drop_constraint": {"table": "t", "name": "k", "up": "c", "down": "c"}},
                  {"drop_multicolumn_constraint": {"table": "t", "name": "k", "up": {"c": "c"}, "down": {"c": "c"}}},
                  {"set_replica_identity": {"table": "t", "identity": {"type": "index", "index": "t_pkey"}}},
                  {"sql": {"up": "select 1", "down": "select 2"}}
                ]}""";
        Migration original = MigrationReader.parse("all.json", json);
        assertEquals(original, MigrationWriter.fromJson("all", MigrationWriter.toJson(original)));
        assertEquals(original, MigrationReader.parse("all.yml", MigrationWriter.toYaml(original)));
        // writing is stable: what was read back writes the same text
        assertEquals(MigrationWriter.toJson(original),
                MigrationWriter.toJson(MigrationWriter.fromJson("all", MigrationWriter.toJson(original))));
    }

    @Test
    void fromJsonIsStrictAndNamesTheMigration() {
        Migration m = MigrationWriter.fromJson("05_stored", "{\"operations\":[{\"drop_table\":{\"name\":\"t\"}}]}");
        assertEquals("05_stored", m.name());
        MigrationFileException e = assertThrows(MigrationFileException.class,
                () -> MigrationWriter.fromJson("05_stored", "{\"name\":\"x\",\"operations\":[]}"));
        assertEquals("05_stored: name: unknown field", e.getMessage());
    }
}
