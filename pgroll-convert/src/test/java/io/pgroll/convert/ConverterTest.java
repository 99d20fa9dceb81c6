package io.pgroll.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.migration.MigrationReader;
import io.pgroll.core.migration.Operation;
import io.pgroll.core.migration.RawSql;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Statements converted as pgroll converts them (cases from pgroll's pkg/sql2pgroll tests and spec section 10),
 * compared as data: the expected pgroll JSON is read with {@link MigrationReader}.
 */
class ConverterTest {

    static final String TODO = Converter.PLACEHOLDER_SQL;

    /** The operations of a pgroll migration file whose operations are {@code json} (a JSON array's elements). */
    static List<Operation> ops(String json) {
        return MigrationReader.parse("expected.json", "{\"operations\": [" + json.replace("TODO", TODO) + "]}")
                .operations();
    }

    static void assertConverts(String sql, String expectedJson) {
        assertEquals(ops(expectedJson), Converter.convert(sql).operations(), sql);
    }

    static void assertRaw(String sql) {
        assertEquals(List.of(new RawSql(sql, null, false)), Converter.convert(sql).operations(), sql);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        CREATE TABLE foo(a int)                   | {"create_table":{"name":"foo","columns":[{"name":"a","type":"int","nullable":true}]}}
        CREATE TABLE foo(a int NULL)              | {"create_table":{"name":"foo","columns":[{"name":"a","type":"int","nullable":true}]}}
        CREATE TABLE foo(a int NOT NULL)          | {"create_table":{"name":"foo","columns":[{"name":"a","type":"int"}]}}
        CREATE TABLE foo(a int UNIQUE)            | {"create_table":{"name":"foo","columns":[{"name":"a","type":"int","nullable":true,"unique":true}]}}
        CREATE TABLE foo(a int PRIMARY KEY)       | {"create_table":{"name":"foo","columns":[{"name":"a","type":"int","pk":true}]}}
        CREATE TABLE foo(a int CHECK (a > 0))     | {"create_table":{"name":"foo","columns":[{"name":"a","type":"int","nullable":true,"check":{"name":"foo_a_check","constraint":"a > 0"}}]}}
        CREATE TABLE foo(a int CONSTRAINT my_check CHECK (a > 0)) | {"create_table":{"name":"foo","columns":[{"name":"a","type":"int","nullable":true,"check":{"name":"my_check","constraint":"a > 0"}}]}}
        CREATE TABLE foo(a timestamptz DEFAULT now()) | {"create_table":{"name":"foo","columns":[{"name":"a","type":"timestamptz","nullable":true,"default":"now()"}]}}
        CREATE TABLE foo(a int REFERENCES bar(b)) | {"create_table":{"name":"foo","columns":[{"name":"a","type":"int","nullable":true,"references":{"name":"foo_a_fkey","table":"bar","column":"b","on_delete":"NO ACTION","on_update":"NO ACTION","match_type":"SIMPLE"}}]}}
        CREATE TABLE foo(a int REFERENCES bar(b) ON DELETE CASCADE) | {"create_table":{"name":"foo","columns":[{"name":"a","type":"int","nullable":true,"references":{"name":"foo_a_fkey","table":"bar","column":"b","on_delete":"CASCADE","on_update":"NO ACTION","match_type":"SIMPLE"}}]}}
        CREATE TABLE foo(a int CONSTRAINT my_fk REFERENCES bar(b) ON DELETE SET NULL) | {"create_table":{"name":"foo","columns":[{"name":"a","type":"int","nullable":true,"references":{"name":"my_fk","table":"bar","column":"b","on_delete":"SET NULL","on_update":"NO ACTION","match_type":"SIMPLE"}}]}}
        CREATE TABLE foo(a varchar(255))          | {"create_table":{"name":"foo","columns":[{"name":"a","type":"varchar(255)","nullable":true}]}}
        CREATE TABLE foo(a numeric(10, 2))        | {"create_table":{"name":"foo","columns":[{"name":"a","type":"numeric(10, 2)","nullable":true}]}}
        CREATE TABLE foo(a text[])                | {"create_table":{"name":"foo","columns":[{"name":"a","type":"text[]","nullable":true}]}}
        CREATE TABLE foo(a text[5][3])            | {"create_table":{"name":"foo","columns":[{"name":"a","type":"text[5][3]","nullable":true}]}}
        CREATE TABLE schema.foo(a int)            | {"create_table":{"name":"schema.foo","columns":[{"name":"a","type":"int","nullable":true}]}}
        CREATE TABLE foo(a serial PRIMARY KEY, b int DEFAULT 100 CHECK (b > 0), c text NOT NULL UNIQUE) | {"create_table":{"name":"foo","columns":[{"name":"a","type":"serial","pk":true},{"name":"b","type":"int","nullable":true,"default":"100","check":{"name":"foo_b_check","constraint":"b > 0"}},{"name":"c","type":"text","unique":true}]}}
        CREATE TABLE foo(b text, c text, CONSTRAINT u UNIQUE (b) INCLUDE (c) WITH (fillfactor=70) USING INDEX TABLESPACE my_tablespace) | {"create_table":{"name":"foo","columns":[{"name":"b","type":"text","nullable":true},{"name":"c","type":"text","nullable":true}],"constraints":[{"name":"u","type":"unique","columns":["b"],"index_parameters":{"tablespace":"my_tablespace","storage_parameters":"fillfactor=70","include_columns":["c"]}}]}}
        CREATE TABLE foo(b text, c text, CONSTRAINT chk CHECK (b = c) NO INHERIT) | {"create_table":{"name":"foo","columns":[{"name":"b","type":"text","nullable":true},{"name":"c","type":"text","nullable":true}],"constraints":[{"name":"chk","type":"check","check":"b = c","no_inherit":true}]}}
        CREATE TABLE foo(b text, c text, CONSTRAINT pk PRIMARY KEY (b) DEFERRABLE) | {"create_table":{"name":"foo","columns":[{"name":"b","type":"text","nullable":true},{"name":"c","type":"text","nullable":true}],"constraints":[{"name":"pk","type":"primary_key","columns":["b"],"deferrable":true}]}}
        CREATE TABLE foo(a int, CONSTRAINT fk FOREIGN KEY (a) REFERENCES bar (b) MATCH FULL ON DELETE CASCADE) | {"create_table":{"name":"foo","columns":[{"name":"a","type":"int","nullable":true}],"constraints":[{"name":"fk","type":"foreign_key","columns":["a"],"references":{"table":"bar","columns":["b"],"on_delete":"CASCADE","on_update":"NO ACTION","match_type":"FULL"}}]}}
        CREATE TABLE foo(b bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (START 1 INCREMENT 1 MINVALUE 1 MAXVALUE 1000 CYCLE CACHE 1)) | {"create_table":{"name":"foo","columns":[{"name":"b","type":"bigint","pk":true,"generated":{"identity":{"user_specified_values":"ALWAYS","sequence_options":"start 1 increment 1 minvalue 1 maxvalue 1000 cycle  cache 1"}}}]}}
        CREATE TABLE foo(r int, d tsrange, CONSTRAINT no_overlap EXCLUDE USING gist (r WITH =, d WITH &&) WHERE (r > 0)) | {"create_table":{"name":"foo","columns":[{"name":"r","type":"int","nullable":true},{"name":"d","type":"tsrange","nullable":true}],"constraints":[{"name":"no_overlap","type":"exclude","exclude":{"index_method":"gist","elements":"r WITH =, d WITH &&","predicate":"r > 0"}}]}}
        CREATE TABLE foo(r int, d tsrange, EXCLUDE USING gist (r WITH =, d WITH &&)) | {"create_table":{"name":"foo","columns":[{"name":"r","type":"int","nullable":true},{"name":"d","type":"tsrange","nullable":true}],"constraints":[{"name":"foo_r_d_excl","type":"exclude","exclude":{"index_method":"gist","elements":"r WITH =, d WITH &&"}}]}}
        CREATE TABLE foo(a text, b text GENERATED ALWAYS AS (upper(a)) STORED) | {"create_table":{"name":"foo","columns":[{"name":"a","type":"text","nullable":true},{"name":"b","type":"text","generated":{"expression":"upper(a)"}}]}}
        """)
    void createTable(String sql, String expected) {
        assertConverts(sql, expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        ALTER TABLE foo ALTER COLUMN a SET NOT NULL  | {"alter_column":{"table":"foo","column":"a","nullable":false,"up":"TODO","down":"TODO"}}
        ALTER TABLE foo ALTER COLUMN a DROP NOT NULL | {"alter_column":{"table":"foo","column":"a","nullable":true,"up":"TODO","down":"TODO"}}
        ALTER TABLE foo ALTER COLUMN a SET DATA TYPE text | {"alter_column":{"table":"foo","column":"a","type":"text","up":"TODO","down":"TODO"}}
        ALTER TABLE foo ALTER COLUMN a TYPE varchar(255) | {"alter_column":{"table":"foo","column":"a","type":"varchar(255)","up":"TODO","down":"TODO"}}
        ALTER TABLE foo ALTER COLUMN a SET DEFAULT 'foo' | {"alter_column":{"table":"foo","column":"a","default":"'foo'","up":"TODO","down":"TODO"}}
        ALTER TABLE foo ALTER COLUMN a SET DEFAULT now() | {"alter_column":{"table":"foo","column":"a","default":"now()","up":"TODO","down":"TODO"}}
        ALTER TABLE foo ALTER COLUMN a SET DEFAULT NULL  | {"alter_column":{"table":"foo","column":"a","default":null,"up":"TODO","down":"TODO"}}
        ALTER TABLE foo ALTER COLUMN a DROP DEFAULT      | {"alter_column":{"table":"foo","column":"a","default":null,"up":"TODO","down":"TODO"}}
        ALTER TABLE foo ADD CONSTRAINT bar UNIQUE (a)    | {"create_constraint":{"table":"foo","name":"bar","type":"unique","columns":["a"],"up":{"a":"TODO"},"down":{"a":"TODO"}}}
        ALTER TABLE foo ADD CONSTRAINT bar UNIQUE (a, b) | {"create_constraint":{"table":"foo","name":"bar","type":"unique","columns":["a","b"],"up":{"a":"TODO","b":"TODO"},"down":{"a":"TODO","b":"TODO"}}}
        ALTER TABLE foo ADD CONSTRAINT fk_bar_c FOREIGN KEY (a, b) REFERENCES bar (c, d) ON DELETE SET NULL | {"create_constraint":{"table":"foo","name":"fk_bar_c","type":"foreign_key","columns":["a","b"],"references":{"table":"bar","columns":["c","d"],"on_delete":"SET NULL","on_update":"NO ACTION","match_type":"SIMPLE"},"up":{"a":"TODO","b":"TODO"},"down":{"a":"TODO","b":"TODO"}}}
        ALTER TABLE foo ADD CONSTRAINT bar CHECK (age > 0) | {"create_constraint":{"table":"foo","name":"bar","type":"check","columns":["placeholder"],"check":"age > 0","up":{"placeholder":"TODO"},"down":{"placeholder":"TODO"}}}
        ALTER TABLE foo DROP COLUMN bar           | {"drop_column":{"table":"foo","column":"bar","down":"TODO"}}
        ALTER TABLE foo DROP COLUMN bar RESTRICT  | {"drop_column":{"table":"foo","column":"bar","down":"TODO"}}
        ALTER TABLE foo DROP CONSTRAINT bar       | {"drop_multicolumn_constraint":{"table":"foo","name":"bar","up":{"placeholder":"TODO"},"down":{"placeholder":"TODO"}}}
        ALTER TABLE foo DROP CONSTRAINT IF EXISTS bar | {"drop_multicolumn_constraint":{"table":"foo","name":"bar","up":{"placeholder":"TODO"},"down":{"placeholder":"TODO"}}}
        ALTER TABLE foo ADD COLUMN bar int        | {"add_column":{"table":"foo","column":{"name":"bar","type":"int","nullable":true},"up":"TODO"}}
        ALTER TABLE foo ADD COLUMN bar int DEFAULT 123 | {"add_column":{"table":"foo","column":{"name":"bar","type":"int","nullable":true,"default":"123"},"up":"TODO"}}
        ALTER TABLE foo ADD COLUMN bar int UNIQUE | {"add_column":{"table":"foo","column":{"name":"bar","type":"int","nullable":true,"unique":true},"up":"TODO"}}
        ALTER TABLE foo ADD COLUMN bar int CHECK (bar > 0) | {"add_column":{"table":"foo","column":{"name":"bar","type":"int","nullable":true,"check":{"name":"foo_bar_check","constraint":"bar > 0"}},"up":"TODO"}}
        ALTER TABLE foo ADD COLUMN bar int REFERENCES baz (id) | {"add_column":{"table":"foo","column":{"name":"bar","type":"int","nullable":true,"references":{"name":"foo_bar_fkey","table":"baz","column":"id","on_delete":"NO ACTION","on_update":"NO ACTION","match_type":"SIMPLE"}},"up":"TODO"}}
        ALTER TABLE foo RENAME TO bar             | {"rename_table":{"from":"foo","to":"bar"}}
        ALTER TABLE foo RENAME COLUMN a TO b      | {"rename_column":{"table":"foo","from":"a","to":"b"}}
        ALTER TABLE foo RENAME a TO b             | {"rename_column":{"table":"foo","from":"a","to":"b"}}
        ALTER TABLE foo RENAME CONSTRAINT a TO b  | {"rename_constraint":{"table":"foo","from":"a","to":"b"}}
        DROP INDEX foo                            | {"drop_index":{"name":"foo"}}
        DROP INDEX myschema.foo                   | {"drop_index":{"name":"myschema.foo"}}
        DROP INDEX CONCURRENTLY IF EXISTS foo     | {"drop_index":{"name":"foo"}}
        DROP TABLE foo                            | {"drop_table":{"name":"foo"}}
        DROP TABLE IF EXISTS foo RESTRICT         | {"drop_table":{"name":"foo"}}
        DROP TABLE myschema.foo                   | {"drop_table":{"name":"myschema.foo"}}
        """)
    void alterRenameDrop(String sql, String expected) {
        assertConverts(sql, expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        CREATE INDEX idx_name ON foo (bar)                     | {"create_index":{"name":"idx_name","table":"foo","method":"btree","columns":[{"column":"bar"}]}}
        CREATE INDEX idx_name ON foo (bar ASC)                 | {"create_index":{"name":"idx_name","table":"foo","method":"btree","columns":[{"column":"bar","sort":"ASC"}]}}
        CREATE INDEX idx_name ON foo (bar DESC NULLS FIRST)    | {"create_index":{"name":"idx_name","table":"foo","method":"btree","columns":[{"column":"bar","sort":"DESC","nulls":"FIRST"}]}}
        CREATE INDEX idx_name ON foo (bar COLLATE en_us)       | {"create_index":{"name":"idx_name","table":"foo","method":"btree","columns":[{"column":"bar","collate":"en_us"}]}}
        CREATE INDEX idx_name ON foo (bar text_pattern_ops)    | {"create_index":{"name":"idx_name","table":"foo","method":"btree","columns":[{"column":"bar","opclass":{"name":"text_pattern_ops"}}]}}
        CREATE INDEX idx_name ON schema.foo (bar)              | {"create_index":{"name":"idx_name","table":"schema.foo","method":"btree","columns":[{"column":"bar"}]}}
        CREATE INDEX idx_name ON foo USING hash (bar)          | {"create_index":{"name":"idx_name","table":"foo","method":"hash","columns":[{"column":"bar"}]}}
        CREATE UNIQUE INDEX idx_name ON foo (bar)              | {"create_index":{"name":"idx_name","table":"foo","method":"btree","unique":true,"columns":[{"column":"bar"}]}}
        CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_name ON foo (bar) | {"create_index":{"name":"idx_name","table":"foo","method":"btree","columns":[{"column":"bar"}]}}
        CREATE INDEX idx_name ON foo (bar) WHERE (foo > 0)     | {"create_index":{"name":"idx_name","table":"foo","method":"btree","columns":[{"column":"bar"}],"predicate":"foo > 0"}}
        CREATE INDEX idx_name ON foo USING brin (bar)          | {"create_index":{"name":"idx_name","table":"foo","method":"brin","columns":[{"column":"bar"}]}}
        CREATE INDEX idx_name ON foo USING spgist (bar)        | {"create_index":{"name":"idx_name","table":"foo","method":"spgist","columns":[{"column":"bar"}]}}
        CREATE INDEX idx_name ON foo (bar, baz)                | {"create_index":{"name":"idx_name","table":"foo","method":"btree","columns":[{"column":"bar"},{"column":"baz"}]}}
        CREATE INDEX idx_name ON foo (bar) WHERE foo > 0       | {"create_index":{"name":"idx_name","table":"foo","method":"btree","columns":[{"column":"bar"}],"predicate":"foo > 0"}}
        CREATE INDEX idx_name ON foo (bar) WITH (buffering = ON) | {"create_index":{"name":"idx_name","table":"foo","method":"btree","columns":[{"column":"bar"}],"storage_parameters":"buffering=on"}}
        CREATE INDEX idx_name ON foo (bar) WITH (fillfactor = 70, deduplicate_items = true) | {"create_index":{"name":"idx_name","table":"foo","method":"btree","columns":[{"column":"bar"}],"storage_parameters":"fillfactor=70, deduplicate_items=true"}}
        CREATE INDEX idx_name ON foo (bar opclass (test = test)) | {"create_index":{"name":"idx_name","table":"foo","method":"btree","columns":[{"column":"bar","opclass":{"name":"opclass","params":["test=test"]}}]}}
        CREATE INDEX idx_name ON foo (bar) WITH (fillfactor = 70) | {"create_index":{"name":"idx_name","table":"foo","method":"btree","columns":[{"column":"bar"}],"storage_parameters":"fillfactor=70"}}
        """)
    void createIndex(String sql, String expected) {
        assertConverts(sql, expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "CREATE TEMPORARY TABLE foo(a int)", "CREATE UNLOGGED TABLE foo(a int)", "CREATE TABLE IF NOT EXISTS foo(a int)",
        "CREATE TABLE foo(a int) INHERITS (bar)", "CREATE TABLE foo(a int) PARTITION BY RANGE (a)",
        "CREATE TABLE foo PARTITION OF bar FOR VALUES FROM (1) to (10)", "CREATE TABLE foo(a int) USING bar",
        "CREATE TABLE foo(a int) WITH (fillfactor=70)", "CREATE TABLE foo(a int) ON COMMIT DROP",
        "CREATE TABLE foo(a int) TABLESPACE bar", "CREATE TABLE foo OF type_bar", "CREATE TABLE foo(a int, LIKE bar)",
        "CREATE TABLE foo(a int STORAGE PLAIN)", "CREATE TABLE foo(a text COMPRESSION pglz)",
        "CREATE TABLE foo(a text COLLATE en_US)",
        "CREATE TABLE foo(a int PRIMARY KEY USING INDEX TABLESPACE bar)",
        "CREATE TABLE foo(a int PRIMARY KEY WITH (fillfactor=70))",
        "CREATE TABLE foo(a int UNIQUE NULLS NOT DISTINCT)", "CREATE TABLE foo(a int UNIQUE WITH (fillfactor=70))",
        "CREATE TABLE foo(a int UNIQUE USING INDEX TABLESPACE baz)",
        "CREATE TABLE foo(a int CONSTRAINT foo_unique UNIQUE)", "CREATE TABLE foo(a int CONSTRAINT foo_pk PRIMARY KEY)",
        "CREATE TABLE foo(a int CONSTRAINT foo_default DEFAULT 0)", "CREATE TABLE foo(a int CONSTRAINT foo_null NULL)",
        "CREATE TABLE foo(a int CONSTRAINT foo_notnull NOT NULL)",
        "CREATE TABLE foo(a int REFERENCES bar (b) DEFERRABLE)",
        "CREATE TABLE foo(a int, CONSTRAINT c CHECK (a > 0) NOT VALID)",
        "ALTER TABLE foo ALTER COLUMN a SET DATA TYPE text COLLATE \"en_US\"",
        "ALTER TABLE foo ADD CONSTRAINT bar UNIQUE NULLS NOT DISTINCT (a)",
        "ALTER TABLE foo ADD CONSTRAINT bar UNIQUE (a) INCLUDE (b)",
        "ALTER TABLE foo ADD CONSTRAINT bar UNIQUE (a) WITH (fillfactor=70)",
        "ALTER TABLE foo ADD CONSTRAINT bar UNIQUE (a) USING INDEX TABLESPACE baz",
        "ALTER TABLE foo ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES bar (c) NOT VALID",
        "ALTER TABLE foo ADD CONSTRAINT bar CHECK (age > 0) NOT VALID",
        "ALTER TABLE foo ADD CONSTRAINT bar CHECK (age > 0) NO INHERIT",
        "ALTER TABLE foo ADD CONSTRAINT bar PRIMARY KEY (a)",
        "ALTER TABLE foo ADD CONSTRAINT bar EXCLUDE USING gist (a WITH &&)",
        "ALTER TABLE foo DROP COLUMN bar CASCADE", "ALTER TABLE foo DROP COLUMN IF EXISTS bar",
        "ALTER TABLE foo DROP CONSTRAINT bar CASCADE", "ALTER TABLE foo ADD COLUMN IF NOT EXISTS bar int",
        "ALTER TABLE foo ADD COLUMN bar int PRIMARY KEY",
        "ALTER TABLE foo ALTER COLUMN a SET STATISTICS 100", "ALTER TABLE foo SET (fillfactor = 70)",
        "ALTER TABLE foo DROP COLUMN a, DROP COLUMN b CASCADE",
        "ALTER TABLE foo ALTER COLUMN a SET NOT NULL, ALTER COLUMN b SET STATISTICS 10",
        "ALTER VIEW foo RENAME TO bar", "ALTER INDEX foo RENAME TO bar",
        "DROP TABLE foo CASCADE", "DROP INDEX foo CASCADE", "DROP INDEX foo, bar",
        "DROP VIEW foo", "DROP TYPE foo",
        "CREATE INDEX idx_name ON foo (bar) TABLESPACE baz", "CREATE INDEX idx_name ON foo (bar) INCLUDE (baz)",
        "CREATE INDEX idx_name ON ONLY foo (bar)", "CREATE UNIQUE INDEX idx_name ON foo (bar) NULLS NOT DISTINCT",
        "CREATE INDEX idx_name ON foo ((lower(bar)))", "CREATE INDEX idx_name ON foo USING bloom (bar)",
        "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')", "CREATE DOMAIN d AS int CHECK (VALUE > 0)",
        "CREATE SCHEMA s", "CREATE EXTENSION IF NOT EXISTS pgcrypto", "CREATE VIEW v AS SELECT 1",
        "INSERT INTO foo VALUES (1)", "UPDATE foo SET a = 1 WHERE b = 2", "SELECT 1",
    })
    void rawSqlFallbacks(String sql) {
        assertRaw(sql);
    }

    @Test
    void statementsOnlyPostgresFullGrammarParses() {
        String sql = """
                -- a comment before
                CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE plpgsql AS $body$
                BEGIN
                  RETURN a + b; -- semicolons inside dollar quotes
                END
                $body$;
                DO $$ BEGIN RAISE NOTICE 'done; really'; END $$;
                /* block /* nested */ comment */ COPY foo (a, b) FROM stdin WITH (FORMAT csv);
                CREATE TRIGGER t BEFORE UPDATE ON foo FOR EACH ROW EXECUTE FUNCTION f();
                CREATE POLICY p ON foo USING (owner = current_user);
                ALTER TABLE foo ENABLE ROW LEVEL SECURITY;
                GRANT SELECT ON ALL TABLES IN SCHEMA public TO someone;
                CREATE TABLE j (x int) ; SELECT jsonb_path_query('{"a":1}', '$.a')""";
        List<Operation> ops = Converter.convert(sql).operations();
        assertEquals(9, ops.size(), ops.toString());
        assertEquals(new RawSql("""
                CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE plpgsql AS $body$
                BEGIN
                  RETURN a + b; -- semicolons inside dollar quotes
                END
                $body$""", null, false), ops.get(0));
        assertEquals(new RawSql("DO $$ BEGIN RAISE NOTICE 'done; really'; END $$", null, false), ops.get(1));
        assertEquals(new RawSql("COPY foo (a, b) FROM stdin WITH (FORMAT csv)", null, false), ops.get(2));
        assertEquals(ops("{\"create_table\":{\"name\":\"j\",\"columns\":[{\"name\":\"x\",\"type\":\"int\",\"nullable\":true}]}}")
                .get(0), ops.get(7));
    }

    @Test
    void eachStatementConvertedOnItsOwn() {
        assertEquals(ops("""
                {"create_table":{"name":"foo","columns":[{"name":"a","type":"int","nullable":true}]}},
                {"sql":{"up":"CREATE TYPE t AS ENUM ('x')"}},
                {"drop_column":{"table":"foo","column":"a","down":"TODO"}},
                {"rename_column":{"table":"foo","from":"b","to":"c"}}"""),
                Converter.convert("CREATE TABLE foo(a int);\nCREATE TYPE t AS ENUM ('x');\n"
                        + "ALTER TABLE foo DROP COLUMN a;ALTER TABLE foo RENAME b TO c;").operations());
        assertEquals(List.of(), Converter.convert("  -- nothing but a comment\n").operations());
        assertEquals(List.of(), Converter.convert("").operations());
        assertEquals(List.of(), Converter.convert(";;").operations());
        // pgroll's convert_test "multiple statements with function definition multiline with comments"
        String function = """
                CREATE OR REPLACE FUNCTION check_password(uname TEXT, pass TEXT)
                RETURNS BOOLEAN AS $$  -- check password for username
                DECLARE passed BOOLEAN;
                BEGIN
                         SELECT  (pwd = $2) INTO passed
                         FROM    pwds  -- from passwords table
                         WHERE   username = $1; -- select password for username
                         RETURN passed;
                END; $$  LANGUAGE plpgsql
                SECURITY DEFINER""";
        List<Operation> expected = new java.util.ArrayList<>(ops("""
                {"drop_table":{"name":"t1"}}, {"drop_index":{"name":"idx2"}}"""));
        expected.add(new RawSql(function, null, false));
        expected.addAll(ops("""
                {"create_index":{"name":"idx1","table":"t1","method":"btree","columns":[{"column":"id"}]}},
                {"sql":{"up":"CREATE TYPE t1"}}"""));
        assertEquals(expected, Converter.convert("DROP TABLE t1; DROP INDEX idx2; " + function
                + ";\nCREATE INDEX idx1 ON t1 (id);\nCREATE TYPE t1;").operations());
        assertConverts("CREATE TABLE t1 (id INT);; DROP TYPE t1;;", """
                {"create_table":{"name":"t1","columns":[{"name":"id","type":"int","nullable":true}]}},
                {"sql":{"up":"DROP TYPE t1"}}""");
    }

    @Test
    void alterTableSubCommandsEachBecomeAnOperationOrTheWholeStatementIsRaw() {
        assertConverts("ALTER TABLE foo ALTER COLUMN a SET NOT NULL, ALTER COLUMN b SET DEFAULT 'x, (y)', "
                + "ADD COLUMN c int DEFAULT f(1, 2), DROP COLUMN d", """
                {"alter_column":{"table":"foo","column":"a","nullable":false,"up":"TODO","down":"TODO"}},
                {"alter_column":{"table":"foo","column":"b","default":"'x, (y)'","up":"TODO","down":"TODO"}},
                {"add_column":{"table":"foo","column":{"name":"c","type":"int","nullable":true,"default":"f(1, 2)"},"up":"TODO"}},
                {"drop_column":{"table":"foo","column":"d","down":"TODO"}}""");
    }

    // ---- beyond pgroll (README, deliberate differences) ----

    @Test
    void alterColumnTypeUsingGivesUp() {
        assertConverts("ALTER TABLE users ALTER COLUMN age TYPE bigint USING age::bigint", """
                {"alter_column":{"table":"users","column":"age","type":"bigint","up":"age::bigint","down":"age"}}""");
        assertConverts("ALTER TABLE t ALTER COLUMN \"A b\" TYPE int USING 0", """
                {"alter_column":{"table":"t","column":"A b","type":"int","up":"0","down":"\\"A b\\""}}""");
        assertConverts("ALTER TABLE t ALTER COLUMN a TYPE int USING (CASE WHEN a = '' THEN 0 ELSE a::int END), "
                + "ALTER COLUMN b TYPE text", """
                {"alter_column":{"table":"t","column":"a","type":"int","up":"(CASE WHEN a = '' THEN 0 ELSE a::int END)","down":"a"}},
                {"alter_column":{"table":"t","column":"b","type":"text","up":"TODO","down":"TODO"}}""");
    }

    @Test
    void addNotNullColumnWithDefaultNeedsNoEditing() {
        assertConverts("ALTER TABLE foo ADD COLUMN bar int NOT NULL DEFAULT 100", """
                {"add_column":{"table":"foo","column":{"name":"bar","type":"int","default":"100"},"up":"100"}}""");
    }

    @Test
    void transactionControlIsDropped() {
        assertConverts("BEGIN; DROP TABLE foo; COMMIT;", "{\"drop_table\":{\"name\":\"foo\"}}");
        assertConverts("START TRANSACTION; DROP TABLE foo; END;", "{\"drop_table\":{\"name\":\"foo\"}}");
    }

    @Test
    void dropTableOfSeveralTablesDropsEach() {
        assertConverts("DROP TABLE foo, bar", "{\"drop_table\":{\"name\":\"foo\"}}, {\"drop_table\":{\"name\":\"bar\"}}");
    }

    @Test
    void unnamedTableConstraintsGetPostgresNames() {
        assertConverts("CREATE TABLE foo(a int, b int, UNIQUE (a, b), CHECK (a > b), FOREIGN KEY (b) REFERENCES bar (id))",
                """
                {"create_table":{"name":"foo","columns":[{"name":"a","type":"int","nullable":true},{"name":"b","type":"int","nullable":true}],
                 "constraints":[{"name":"foo_a_b_key","type":"unique","columns":["a","b"]},{"name":"foo_check","type":"check","check":"a > b"},
                 {"name":"foo_b_fkey","type":"foreign_key","columns":["b"],"references":{"table":"bar","columns":["id"],"on_delete":"NO ACTION","on_update":"NO ACTION","match_type":"SIMPLE"}}]}}""");
        assertConverts("ALTER TABLE s.foo ADD UNIQUE (a), ADD CHECK (a > 0), ADD FOREIGN KEY (b) REFERENCES bar (id)", """
                {"create_constraint":{"table":"s.foo","name":"foo_a_key","type":"unique","columns":["a"],"up":{"a":"TODO"},"down":{"a":"TODO"}}},
                {"create_constraint":{"table":"s.foo","name":"foo_check","type":"check","columns":["placeholder"],"check":"a > 0","up":{"placeholder":"TODO"},"down":{"placeholder":"TODO"}}},
                {"create_constraint":{"table":"s.foo","name":"foo_b_fkey","type":"foreign_key","columns":["b"],"references":{"table":"bar","columns":["id"],"on_delete":"NO ACTION","on_update":"NO ACTION","match_type":"SIMPLE"},"up":{"b":"TODO"},"down":{"b":"TODO"}}}""");
        assertConverts("CREATE TABLE foo(a int, b int, PRIMARY KEY (a, b))", """
                {"create_table":{"name":"foo","columns":[{"name":"a","type":"int","pk":true},{"name":"b","type":"int","pk":true}]}}""");
    }

    @Test
    void schemaDumpOf533StatementsConverts() throws Exception {
        // pg_dump 15 --schema-only of 40 tables with identity and generated columns, partitions, an exclusion
        // constraint, enums, domains, functions, triggers, rules, policies, views and comments; starts with \restrict
        String dump;
        try (java.io.InputStream in = getClass().getResourceAsStream("schema-dump.sql")) {
            dump = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        List<Operation> ops = Converter.convert(dump).operations();
        assertEquals(533, ops.size());
        assertTrue(ops.contains(ops("""
                {"create_index":{"name":"t0_tags_idx","table":"app.t0","method":"gin","columns":[{"column":"tags"}]}}""")
                .get(0)), ops.toString());
        assertTrue(ops.contains(new RawSql("ALTER TABLE ONLY app.t0\n    ADD CONSTRAINT t0_pkey PRIMARY KEY (id)", null,
                false)));
    }

    // ---- errors ----

    @Test
    void invalidSqlNamesLineAndColumn() {
        Converter.ConvertException e = assertThrows(Converter.ConvertException.class,
                () -> Converter.convert("CREATE TABLE ok(a int);\nCREATE TABLE (x int);"));
        assertEquals("syntax error at or near \"(\" at line 2, column 14", e.getMessage());
        assertEquals(2, e.line());
        e = assertThrows(Converter.ConvertException.class, () -> Converter.convert("SELECT 'é' FROM;"));
        assertEquals("syntax error at or near \";\" at line 1, column 16", e.getMessage());
        e = assertThrows(Converter.ConvertException.class, () -> Converter.convert("DROP INDEX idx1; DROP INDX idx2"));
        assertEquals("syntax error at or near \"INDX\" at line 1, column 23", e.getMessage());
        e = assertThrows(Converter.ConvertException.class, () -> Converter.convert("SELECT 'unterminated"));
        assertTrue(e.getMessage().startsWith("unterminated quoted string at or near"), e.getMessage());
    }
}
