package io.pgroll.core.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every operation type parsed from realistic examples, in JSON and YAML. */
class MigrationReaderOperationsTest {

    private static Operation single(String json) {
        Migration m = MigrationReader.parse("01_op.json", "{\"operations\":[" + json + "]}");
        assertEquals(1, m.operations().size());
        return m.operations().get(0);
    }

    private static Column column(String name, String type) {
        return new Column(name, type, false, false, false, null, null, null, null, null);
    }

    @Test
    void createTable() {
        Operation op = single("""
                {"create_table":{"name":"t","columns":[{"name":"id","type":"serial","pk":true},
                                                       {"name":"n","type":"text","nullable":true}]}}""");
        assertEquals(new CreateTable("t", List.of(
                new Column("id", "serial", false, false, true, null, null, null, null, null),
                new Column("n", "text", true, false, false, null, null, null, null, null)), null, null), op);
    }

    @Test
    void createTableWithEverything() {
        Operation op = single("""
                {"create_table": {
                  "name": "orders",
                  "comment": "all orders",
                  "columns": [
                    {"name": "id", "type": "bigint", "pk": true,
                     "generated": {"identity": {"user_specified_values": "BY DEFAULT",
                                                "sequence_options": "START 10 INCREMENT 2"}}},
                    {"name": "total", "type": "numeric", "default": "0", "comment": "in cents",
                     "check": {"name": "total_positive", "constraint": "total >= 0", "no_inherit": true}},
                    {"name": "customer_id", "type": "int", "unique": true,
                     "references": {"name": "fk_customer", "table": "customers", "column": "id",
                                    "on_delete": "CASCADE", "on_update": "set null", "match_type": "FULL",
                                    "deferrable": true, "initially_deferred": true}},
                    {"name": "total_x2", "type": "numeric", "nullable": true,
                     "generated": {"expression": "total * 2"}}
                  ],
                  "constraints": [
                    {"name": "orders_pk", "type": "primary_key", "columns": ["id"]},
                    {"name": "orders_uq", "type": "unique", "columns": ["customer_id", "total"],
                     "nulls_not_distinct": true, "deferrable": true, "initially_deferred": true,
                     "index_parameters": {"tablespace": "fast", "storage_parameters": "fillfactor=70",
                                          "include_columns": ["total_x2"]}},
                    {"name": "orders_chk", "type": "check", "check": "total < 1000000", "no_inherit": true},
                    {"name": "orders_fk", "type": "foreign_key", "columns": ["customer_id"],
                     "references": {"table": "customers", "columns": ["id"], "match_type": "SIMPLE",
                                    "on_delete": "SET NULL", "on_update": "NO ACTION",
                                    "on_delete_set_columns": ["customer_id"]}},
                    {"name": "orders_excl", "type": "exclude",
                     "exclude": {"index_method": "gist", "elements": "customer_id WITH =",
                                 "predicate": "total > 0"}}
                  ]
                }}""");
        CreateTable expected = new CreateTable("orders", List.of(
                new Column("id", "bigint", false, false, true, null, null, null, null,
                        new ColumnGenerated(null,
                                new ColumnGenerated.Identity("BY DEFAULT", "START 10 INCREMENT 2"))),
                new Column("total", "numeric", false, false, false, "0",
                        new CheckConstraint("total_positive", "total >= 0", true), null, "in cents", null),
                new Column("customer_id", "int", false, true, false, null, null,
                        new ForeignKeyReference("fk_customer", "customers", "id", "CASCADE", "set null", "FULL",
                                true, true), null, null),
                new Column("total_x2", "numeric", true, false, false, null, null, null, null,
                        new ColumnGenerated("total * 2", null))),
                List.of(
                        new Constraint("orders_pk", "primary_key", List.of("id"), null, false, false, false, false,
                                null, null, null),
                        new Constraint("orders_uq", "unique", List.of("customer_id", "total"), null, true, true,
                                true, false, null, null,
                                new IndexParameters("fast", "fillfactor=70", List.of("total_x2"))),
                        new Constraint("orders_chk", "check", null, "total < 1000000", false, false, false, true,
                                null, null, null),
                        new Constraint("orders_fk", "foreign_key", List.of("customer_id"), null, false, false,
                                false, false, new TableForeignKeyReference("customers", List.of("id"), "SIMPLE",
                                "SET NULL", "NO ACTION", List.of("customer_id")), null, null),
                        new Constraint("orders_excl", "exclude", null, null, false, false, false, false, null,
                                new Constraint.Exclude("gist", "customer_id WITH =", "total > 0"), null)),
                "all orders");
        assertEquals(expected, op);
    }

    @Test
    void addColumn() {
        assertEquals(new AddColumn("t", column("c", "text"), "'x'"),
                single("{\"add_column\":{\"table\":\"t\",\"up\":\"'x'\",\"column\":{\"name\":\"c\",\"type\":\"text\"}}}"));
    }

    @Test
    void alterColumn() {
        assertEquals(new AlterColumn("t", "c", null, false, null, null, null, TriState.ABSENT, TriState.ABSENT,
                        "COALESCE(c,'x')", "c"),
                single("{\"alter_column\":{\"table\":\"t\",\"column\":\"c\",\"nullable\":false,"
                        + "\"up\":\"COALESCE(c,'x')\",\"down\":\"c\"}}"));
    }

    @Test
    void alterColumnWithEverything() {
        Operation op = single("""
                {"alter_column": {"table": "t", "column": "c", "type": "bigint", "nullable": true,
                  "unique": {"name": "t_c_unique"},
                  "check": {"name": "c_positive", "constraint": "c > 0"},
                  "references": {"name": "fk_c", "table": "other", "column": "id", "on_delete": "restrict"},
                  "default": "42", "comment": null, "up": "c::bigint", "down": "c::int"}}""");
        assertEquals(new AlterColumn("t", "c", "bigint", true, new AlterColumn.UniqueConstraint("t_c_unique"),
                new CheckConstraint("c_positive", "c > 0", false),
                new ForeignKeyReference("fk_c", "other", "id", "restrict", null, null, false, false),
                TriState.of("42"), TriState.NULL, "c::bigint", "c::int"), op);
    }

    @Test
    void renameColumn() {
        assertEquals(new RenameColumn("t", "a", "b"),
                single("{\"rename_column\":{\"table\":\"t\",\"from\":\"a\",\"to\":\"b\"}}"));
    }

    @Test
    void renameTable() {
        assertEquals(new RenameTable("a", "b"), single("{\"rename_table\":{\"from\":\"a\",\"to\":\"b\"}}"));
    }

    @Test
    void dropTable() {
        assertEquals(new DropTable("t"), single("{\"drop_table\":{\"name\":\"t\"}}"));
    }

    @Test
    void dropColumn() {
        assertEquals(new DropColumn("t", "c", "0"),
                single("{\"drop_column\":{\"table\":\"t\",\"column\":\"c\",\"down\":\"0\"}}"));
    }

    @Test
    void createIndex() {
        assertEquals(new CreateIndex("i", "t", List.of(new IndexField("c", null, "DESC", null, null)), null, false,
                        "c > 0", null),
                single("{\"create_index\":{\"name\":\"i\",\"table\":\"t\",\"columns\":[{\"column\":\"c\","
                        + "\"sort\":\"DESC\"}],\"predicate\":\"c > 0\"}}"));
    }

    @Test
    void createIndexWithEverything() {
        Operation op = single("""
                {"create_index": {"name": "idx", "table": "t", "method": "gin", "unique": true,
                  "storage_parameters": "fastupdate=off",
                  "columns": [{"column": "doc", "collate": "C", "sort": "asc", "nulls": "last",
                               "opclass": {"name": "jsonb_path_ops", "params": ["a=1"]}},
                              {"column": "id"}]}}""");
        assertEquals(new CreateIndex("idx", "t", List.of(
                new IndexField("doc", "C", "asc", "last", new IndexField.OpClass("jsonb_path_ops", List.of("a=1"))),
                new IndexField("id", null, null, null, null)), "gin", true, null, "fastupdate=off"), op);
    }

    @Test
    void dropIndex() {
        assertEquals(new DropIndex("i"), single("{\"drop_index\":{\"name\":\"i\"}}"));
    }

    @Test
    void createConstraint() {
        assertEquals(new CreateConstraint("t", "u", "unique", List.of("a", "b"), null, false, null, null,
                        Map.of("a", "a", "b", "b"), Map.of("a", "a", "b", "b")),
                single("{\"create_constraint\":{\"table\":\"t\",\"name\":\"u\",\"type\":\"unique\",\"columns\":[\"a\","
                        + "\"b\"],\"up\":{\"a\":\"a\",\"b\":\"b\"},\"down\":{\"a\":\"a\",\"b\":\"b\"}}}"));
    }

    @Test
    void createForeignKeyConstraint() {
        Operation op = single("""
                {"create_constraint": {"table": "t", "name": "fk", "type": "foreign_key", "columns": ["a"],
                  "references": {"table": "u", "columns": ["id"], "on_delete": "cascade"},
                  "index_parameters": {"tablespace": "ts"}, "no_inherit": true,
                  "up": {"a": "CASE WHEN a IN (SELECT id FROM u) THEN a ELSE NULL END"}, "down": {"a": "a"}}}""");
        assertEquals(new CreateConstraint("t", "fk", "foreign_key", List.of("a"), null, true,
                new TableForeignKeyReference("u", List.of("id"), null, "cascade", null, null),
                new IndexParameters("ts", null, null),
                Map.of("a", "CASE WHEN a IN (SELECT id FROM u) THEN a ELSE NULL END"), Map.of("a", "a")), op);
    }

    @Test
    void dropConstraint() {
        assertEquals(new DropConstraint("t", "chk", null, "c"),
                single("{\"drop_constraint\":{\"table\":\"t\",\"name\":\"chk\",\"down\":\"c\"}}"));
    }

    @Test
    void dropMultiColumnConstraint() {
        assertEquals(new DropMultiColumnConstraint("t", "chk", null, Map.of("a", "a", "b", "b")),
                single("{\"drop_multicolumn_constraint\":{\"table\":\"t\",\"name\":\"chk\","
                        + "\"down\":{\"a\":\"a\",\"b\":\"b\"}}}"));
    }

    @Test
    void renameConstraint() {
        assertEquals(new RenameConstraint("t", "a", "b"),
                single("{\"rename_constraint\":{\"table\":\"t\",\"from\":\"a\",\"to\":\"b\"}}"));
    }

    @Test
    void sql() {
        assertEquals(new RawSql("CREATE TABLE u(id int)", "DROP TABLE u", false),
                single("{\"sql\":{\"up\":\"CREATE TABLE u(id int)\",\"down\":\"DROP TABLE u\"}}"));
        assertEquals(new RawSql("ANALYZE", null, true), single("{\"sql\":{\"up\":\"ANALYZE\",\"onComplete\":true}}"));
    }

    @Test
    void sqlWithEmptyUpAsWrittenByBaseline() {
        assertEquals(new RawSql("", null, false), single("{\"sql\":{\"up\":\"\"}}"));
    }

    @Test
    void setReplicaIdentity() {
        assertEquals(new SetReplicaIdentity("t", new SetReplicaIdentity.Identity("index", "t_pkey")),
                single("{\"set_replica_identity\":{\"table\":\"t\",\"identity\":{\"type\":\"index\","
                        + "\"index\":\"t_pkey\"}}}"));
        assertEquals(new SetReplicaIdentity("t", new SetReplicaIdentity.Identity("FULL", null)),
                single("{\"set_replica_identity\":{\"table\":\"t\",\"identity\":{\"type\":\"FULL\"}}}"));
    }

    @Test
    void allFifteenOperationTypesCovered() {
        // one realistic YAML file using every operation type, checked against the JSON parse of the same content
        Migration fromYaml = MigrationReader.parse("15_everything.yaml", MigrationSamples.EVERY_OPERATION_YAML);
        Migration fromJson = MigrationReader.parse("15_everything.json", MigrationSamples.EVERY_OPERATION_JSON);
        assertEquals("15_everything", fromYaml.name());
        assertEquals("v15", fromYaml.versionSchema());
        assertEquals(fromJson, fromYaml);
        assertEquals(List.of(OperationType.values()).stream().map(OperationType::key).sorted().toList(),
                fromYaml.operations().stream().map(op -> OperationType.of(op).key()).sorted().toList());
        AlterColumn alter = (AlterColumn) fromYaml.operations().get(5);
        assertEquals(TriState.NULL, alter.defaultValue());
        assertEquals(TriState.of("the price"), alter.comment());
        AddColumn add = (AddColumn) fromYaml.operations().get(3);
        assertEquals("'untitled'", add.up());
        assertEquals("'none'", add.column().defaultValue());
    }

    @Test
    void versionSchemaIsOptional() {
        Migration m = MigrationReader.parse("03.migration.3.yml", "operations: [drop_table: {name: t}]\n");
        assertEquals("03.migration.3", m.name());
        assertNull(m.versionSchema());
        assertEquals(List.of(new DropTable("t")), m.operations());
        assertEquals("03.migration.3", m.version());
    }
}
