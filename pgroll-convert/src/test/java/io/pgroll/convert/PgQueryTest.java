package io.pgroll.convert;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class PgQueryTest {
    @Test
    void parsesAndReportsErrors() throws Exception {
        long t0 = System.nanoTime();
        PgQuery q = new PgQuery();
        long t1 = System.nanoTime();
        String tree = q.parse("CREATE TABLE t (id int PRIMARY KEY); DO $$ BEGIN RAISE NOTICE 'x'; END $$;");
        long t2 = System.nanoTime();
        System.out.println("init ms " + (t1 - t0) / 1e6 + " parse ms " + (t2 - t1) / 1e6 + " " + tree);
        PgQuery.ParseError e = assertThrows(PgQuery.ParseError.class, () -> q.parse("SELECT 1;\nCREATE TABLE (x"));
        System.out.println(e.getMessage() + " at " + e.cursor);
        for (int i = 0; i < 5; i++) {
            long a = System.nanoTime();
            q.parse("ALTER TABLE users ALTER COLUMN age TYPE bigint USING age::bigint");
            System.out.println("parse ms " + (System.nanoTime() - a) / 1e6);
        }
        assertTrue(q.parse("SELECT 1").contains("SelectStmt"));
    }
}
