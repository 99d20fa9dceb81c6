package io.pgroll.core.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.explain.StatementClassifier.Access;
import io.pgroll.core.explain.StatementClassifier.Effect;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Statement text to locks, without a database. Expectations follow PostgreSQL's explicit-locking chapter. */
class StatementClassifierTest {

    private final StatementClassifier classifier = new StatementClassifier("public");

    /** The locks as "relation MODE access" lines, e.g. {@code big ACCESS_EXCLUSIVE REWRITE}. */
    private String locks(String sql) {
        return classifier.classify(sql).locks().stream()
                .map(l -> l.relation() + " " + l.mode() + " " + l.access()).collect(Collectors.joining(", "));
    }

    @Test
    void typeChangeIsAnAccessExclusiveRewriteWithTheOnlineOperationSuggested() {
        Effect e = classifier.classify("ALTER TABLE big ALTER COLUMN v TYPE bigint");
        assertEquals(List.of(new StatementClassifier.TableLock("big", LockMode.ACCESS_EXCLUSIVE, Access.REWRITE)),
                e.locks());
        assertTrue(e.suggestion().startsWith("alter_column with \"type\" and \"up\""), e.suggestion());
        assertEquals("big ACCESS_EXCLUSIVE REWRITE", locks("alter table \"public\".big alter v set data type text "
                + "using v::text;"));
    }

    @Test
    void alterTableSubcommands() {
        assertEquals("books ACCESS_EXCLUSIVE NONE", locks("ALTER TABLE \"public\".\"books\" ADD COLUMN \"pages\" integer"));
        assertEquals("books ACCESS_EXCLUSIVE REWRITE", locks("ALTER TABLE books ADD COLUMN id2 uuid DEFAULT gen_random_uuid()"));
        assertEquals("books ACCESS_EXCLUSIVE SCAN", locks("ALTER TABLE books ADD CONSTRAINT c CHECK (pages > 0)"));
        assertEquals("books ACCESS_EXCLUSIVE NONE", locks("ALTER TABLE books ADD CONSTRAINT c CHECK (pages > 0) NOT VALID"));
        assertEquals("books SHARE_UPDATE_EXCLUSIVE SCAN", locks("ALTER TABLE books VALIDATE CONSTRAINT c"));
        assertEquals("books SHARE_ROW_EXCLUSIVE NONE, authors SHARE_ROW_EXCLUSIVE NONE", locks("ALTER TABLE books ADD "
                + "CONSTRAINT fk FOREIGN KEY (author_id) REFERENCES \"public\".authors (id) NOT VALID"));
        // the classifier remembers the foreign key: validating it also locks the referenced table
        assertEquals("books SHARE_UPDATE_EXCLUSIVE SCAN, authors ROW_SHARE SCAN",
                locks("ALTER TABLE books VALIDATE CONSTRAINT fk"));
        assertEquals("books ACCESS_EXCLUSIVE NONE, authors ACCESS_EXCLUSIVE NONE",
                locks("ALTER TABLE books DROP CONSTRAINT IF EXISTS fk"));
        assertEquals("books ACCESS_EXCLUSIVE NONE", locks("ALTER TABLE books RENAME COLUMN a TO b"));
        assertEquals("books ACCESS_EXCLUSIVE NONE", locks("ALTER TABLE books REPLICA IDENTITY FULL"));
        assertEquals("books SHARE_UPDATE_EXCLUSIVE NONE", locks("ALTER TABLE books SET (fillfactor = 70)"));
        assertEquals("books ACCESS_EXCLUSIVE REWRITE", locks("ALTER TABLE books ADD COLUMN x int, ALTER COLUMN y TYPE text"));
    }

    @Test
    void setNotNullScansUnlessAValidatedCheckProvesIt() {
        assertEquals("t ACCESS_EXCLUSIVE SCAN", locks("ALTER TABLE t ALTER COLUMN a SET NOT NULL"));
        assertTrue(classifier.classify("ALTER TABLE t ALTER COLUMN a SET NOT NULL").suggestion().contains("nullable"));
        classifier.classify("ALTER TABLE t ADD CONSTRAINT a_nn CHECK ((a IS NOT NULL)) NOT VALID");
        assertEquals("t ACCESS_EXCLUSIVE SCAN", locks("ALTER TABLE t ALTER COLUMN a SET NOT NULL"));
        classifier.classify("ALTER TABLE t VALIDATE CONSTRAINT a_nn");
        assertEquals("t ACCESS_EXCLUSIVE NONE", locks("ALTER TABLE t ALTER COLUMN a SET NOT NULL"));
    }

    @Test
    void indexes() {
        Effect concurrent = classifier.classify("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON \"public\".t (a)");
        assertTrue(concurrent.outsideTransaction());
        assertEquals("t SHARE_UPDATE_EXCLUSIVE SCAN", locks("CREATE INDEX CONCURRENTLY i ON t USING btree (a)"));
        assertEquals("t SHARE SCAN", locks("create index on t (a)"));
        assertEquals("i ACCESS_EXCLUSIVE NONE", locks("DROP INDEX IF EXISTS i"));
        assertTrue(classifier.classify("DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"i\"").outsideTransaction());
        assertEquals("i SHARE_UPDATE_EXCLUSIVE NONE", locks("ALTER INDEX i RENAME TO j"));
    }

    @Test
    void otherStatements() {
        assertEquals("authors SHARE_ROW_EXCLUSIVE NONE", locks("CREATE TABLE books (id int PRIMARY KEY, author_id int "
                + "REFERENCES authors (id))"));
        assertEquals("a ACCESS_EXCLUSIVE NONE, b ACCESS_EXCLUSIVE NONE", locks("DROP TABLE IF EXISTS a, b CASCADE"));
        assertEquals("t SHARE_ROW_EXCLUSIVE NONE", locks("CREATE TRIGGER x BEFORE INSERT OR UPDATE ON \"public\".\"t\" "
                + "FOR EACH ROW EXECUTE FUNCTION f()"));
        assertEquals("t ACCESS_EXCLUSIVE NONE", locks("DROP TRIGGER IF EXISTS x ON t"));
        assertEquals("t ACCESS_SHARE NONE", locks("CREATE VIEW v.t WITH (security_invoker = true) AS SELECT \"a\" AS "
                + "\"a\" FROM \"public\".\"t\""));
        assertEquals("t SHARE_UPDATE_EXCLUSIVE NONE", locks("COMMENT ON COLUMN \"public\".\"t\".\"a\" IS 'x'"));
        assertEquals("t ROW_EXCLUSIVE SCAN", locks("UPDATE t SET a = 1"));
        assertEquals("s ACCESS_SHARE NONE, t ROW_EXCLUSIVE NONE", locks("INSERT INTO t SELECT * FROM s"));
        assertEquals("t SHARE NONE", locks("LOCK TABLE t IN SHARE MODE"));
        assertEquals("t ACCESS_EXCLUSIVE REWRITE", locks("VACUUM FULL t"));
        assertEquals("", locks("CREATE OR REPLACE FUNCTION f() RETURNS trigger AS $$ BEGIN UPDATE t SET a = 1; END $$ "
                + "LANGUAGE plpgsql"));
        assertEquals("", locks("GRANT SELECT ON t TO r"));
        assertTrue(classifier.classify("CREATE SCHEMA x").recognised());
    }

    @Test
    void plainDoBlocksAreWhatTheirStatementsAreOthersUnknown() {
        assertEquals("t ACCESS_SHARE NONE", locks("DO $pgroll$BEGIN\n  PERFORM r.a + 1 FROM \"public\".\"t\" AS r LIMIT 0;"
                + "\nEXCEPTION WHEN OTHERS THEN\n  RAISE EXCEPTION 'x';\nEND;$pgroll$"));
        assertEquals("t ACCESS_EXCLUSIVE NONE", locks("DO $x$BEGIN\n  ALTER TABLE t ALTER COLUMN a SET DEFAULT 1;\n"
                + "EXCEPTION WHEN datatype_mismatch THEN\n  RAISE WARNING 'y';\nEND;$x$"));
        assertEquals("t ACCESS_EXCLUSIVE NONE", locks("DO $$BEGIN EXECUTE 'DROP TABLE t'; END$$"));
        // pgroll's validation of the constraints it named at run time: format() with literal arguments
        classifier.classify("ALTER TABLE \"public\".\"reviews\" ADD CONSTRAINT fk FOREIGN KEY (m) REFERENCES members (id) "
                + "NOT VALID");
        assertEquals("reviews SHARE_UPDATE_EXCLUSIVE SCAN, members ROW_SHARE SCAN", locks("DO $pgroll$DECLARE\n  r record;\n"
                + "BEGIN\n  FOR r IN SELECT conname FROM pg_constraint WHERE conrelid = '\"public\".\"reviews\"'::regclass "
                + "LOOP\n    EXECUTE format('ALTER TABLE %s VALIDATE CONSTRAINT %I', '\"public\".\"reviews\"', r.conname);\n"
                + "  END LOOP;\nEND;$pgroll$"));
        assertFalse(classifier.classify("DO $$BEGIN EXECUTE some_variable; END$$").recognised());
        Effect unknown = classifier.classify("CALL do_something()");
        assertFalse(unknown.recognised());
        assertNull(unknown.suggestion());
    }

    @Test
    void lockModesParseFromPgLocksAndLockTable() {
        assertEquals(LockMode.SHARE_ROW_EXCLUSIVE, LockMode.parse("ShareRowExclusiveLock"));
        assertEquals(LockMode.ACCESS_SHARE, LockMode.parse("access share"));
        assertTrue(LockMode.SHARE.blocksWrites());
        assertFalse(LockMode.SHARE_UPDATE_EXCLUSIVE.blocksWrites());
        assertEquals("ACCESS EXCLUSIVE", LockMode.ACCESS_EXCLUSIVE.sqlName());
    }
}
