-- State store of pgroll for Java. Same layout, function names and signatures as pgroll (Go), so either tool can
-- continue a database managed by the other. Re-runnable: every statement is idempotent and older layouts are
-- upgraded in place.
--
-- Template markers, substituted by StateStore in a single pass:
--   @@SCHEMA@@           the state schema as a quoted identifier
--   @@SCHEMA_LITERAL@@   the state schema name as a string literal
--   @@VERSION_LITERAL@@  the binary version as a string literal
--   @@BODY@@             a dollar-quote tag that occurs in none of the substituted values
--
-- The whole script runs in one transaction.

-- Serialise concurrent inits (same key as pgroll), and keep our own DDL out of the inferred migrations.
SELECT pg_catalog.pg_advisory_xact_lock(12388221127840347);
SELECT pg_catalog.set_config('pgroll.no_inferred_migrations', 'TRUE', true);

-- The schema. Created only when missing, so a role that owns the schema but may not create schemas in the database
-- can re-run init; a concurrent creator outside the advisory lock is tolerated.
DO @@BODY@@
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = @@SCHEMA_LITERAL@@) THEN
        BEGIN
            CREATE SCHEMA @@SCHEMA@@;
        EXCEPTION
            WHEN duplicate_schema OR unique_violation THEN
                NULL;
        END;
    END IF;
END
@@BODY@@;

-- One row per migration of each target schema; the rows of a target schema form a linear chain through parent.
CREATE TABLE IF NOT EXISTS @@SCHEMA@@.migrations
(
    schema           name        NOT NULL,
    name             text        NOT NULL,
    migration        jsonb       NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at       timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    parent           text,
    done             boolean     NOT NULL DEFAULT false,
    resulting_schema jsonb       NOT NULL DEFAULT '{}'::jsonb,
    migration_type   varchar(32)          DEFAULT 'pgroll'
        CONSTRAINT migration_type_check CHECK (migration_type IN ('pgroll', 'inferred', 'baseline')),
    PRIMARY KEY (schema, name),
    FOREIGN KEY (schema, parent) REFERENCES @@SCHEMA@@.migrations (schema, name)
);

-- Upgrades of layouts written by older versions: naive timestamps (meant as UTC), no migration_type column, a
-- migration_type check that predates baselines. Each step only runs when needed, so re-runs rewrite nothing.
DO @@BODY@@
DECLARE
    v_table  oid := (SELECT c.oid
                     FROM pg_catalog.pg_class c
                              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = @@SCHEMA_LITERAL@@
                       AND c.relname = 'migrations');
    v_column text;
BEGIN
    FOREACH v_column IN ARRAY ARRAY ['created_at', 'updated_at']
        LOOP
            IF EXISTS (SELECT 1
                       FROM pg_catalog.pg_attribute
                       WHERE attrelid = v_table
                         AND attname = v_column
                         AND atttypid = 'pg_catalog.timestamp'::pg_catalog.regtype) THEN
                EXECUTE pg_catalog.format('ALTER TABLE %s ALTER COLUMN %I TYPE timestamptz USING %I AT TIME ZONE %L',
                                          v_table::pg_catalog.regclass, v_column, v_column, 'UTC');
            END IF;
        END LOOP;

    IF NOT EXISTS (SELECT 1
                   FROM pg_catalog.pg_attribute
                   WHERE attrelid = v_table
                     AND attname = 'migration_type'
                     AND NOT attisdropped) THEN
        EXECUTE pg_catalog.format('ALTER TABLE %s ADD COLUMN migration_type varchar(32) DEFAULT %L',
                                  v_table::pg_catalog.regclass, 'pgroll');
    END IF;

    IF NOT EXISTS (SELECT 1
                   FROM pg_catalog.pg_constraint
                   WHERE conrelid = v_table
                     AND conname = 'migration_type_check'
                     AND pg_catalog.pg_get_constraintdef(oid) LIKE '%baseline%') THEN
        EXECUTE pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT IF EXISTS migration_type_check',
                                  v_table::pg_catalog.regclass);
        EXECUTE pg_catalog.format('ALTER TABLE %s ADD CONSTRAINT migration_type_check'
                                      || ' CHECK (migration_type IN (%L, %L, %L))',
                                  v_table::pg_catalog.regclass, 'pgroll', 'inferred', 'baseline');
    END IF;
END
@@BODY@@;

-- At most one active (not done) migration per target schema and name.
CREATE UNIQUE INDEX IF NOT EXISTS only_one_active ON @@SCHEMA@@.migrations (schema, name, done) WHERE NOT done;

-- Only the first migration of a target schema has no parent.
CREATE UNIQUE INDEX IF NOT EXISTS only_first_migration_without_parent ON @@SCHEMA@@.migrations (schema)
    WHERE parent IS NULL;

-- No migration has two children: the history is linear. This is what makes two concurrent starts collide.
CREATE UNIQUE INDEX IF NOT EXISTS history_is_linear ON @@SCHEMA@@.migrations (schema, parent);

-- The version of the binary that initialised the state schema last.
-- Journal of pgroll for Java: how far the active migration's start or complete got (steps run, backfill cursors),
-- so that an interrupted run can resume where it stopped. The Go tool ignores it; deleting a migration's row
-- (rollback) deletes its journal.
CREATE TABLE IF NOT EXISTS @@SCHEMA@@.java_progress
(
    schema     name        NOT NULL,
    name       text        NOT NULL,
    phase      text        NOT NULL CHECK (phase IN ('starting', 'started', 'completing')),
    steps_done integer     NOT NULL DEFAULT 0,
    backfill   jsonb       NOT NULL DEFAULT '{}'::jsonb,
    memo       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (schema, name),
    FOREIGN KEY (schema, name) REFERENCES @@SCHEMA@@.migrations (schema, name) ON DELETE CASCADE
);

-- What a start found before changing it, for its rollback to restore (e.g. a table's replica identity), and which
-- objects it created itself (its version schema). Added in java-0.2.0.
ALTER TABLE @@SCHEMA@@.java_progress ADD COLUMN IF NOT EXISTS memo jsonb NOT NULL DEFAULT '{}'::jsonb;

CREATE TABLE IF NOT EXISTS @@SCHEMA@@.pgroll_version
(
    version        text PRIMARY KEY,
    initialized_at timestamptz NOT NULL DEFAULT now()
);

DELETE FROM @@SCHEMA@@.pgroll_version;
INSERT INTO @@SCHEMA@@.pgroll_version (version) VALUES (@@VERSION_LITERAL@@);

-- CREATE OR REPLACE cannot change a function's result type or parameter names, and a different parameter list would
-- add an ambiguous overload: drop the helper functions an older layout defined differently.
DO @@BODY@@
DECLARE
    v_function pg_catalog.regprocedure;
BEGIN
    FOR v_function IN
        SELECT p.oid::pg_catalog.regprocedure
        FROM pg_catalog.pg_proc p
                 JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                 JOIN (VALUES ('is_active_migration_period', 'schemaname name', 'boolean'),
                              ('latest_migration', 'schemaname name', 'text'),
                              ('previous_migration', 'schemaname name', 'text'),
                              ('find_version_schema', 'p_schema_name name, p_depth integer DEFAULT 0', 'text'),
                              ('latest_version', 'schemaname name', 'text'),
                              ('previous_version', 'schemaname name', 'text'),
                              ('read_schema', 'schemaname text', 'jsonb'))
            AS expected(function_name, arguments, result) ON expected.function_name = p.proname
        WHERE n.nspname = @@SCHEMA_LITERAL@@
          AND (pg_catalog.pg_get_function_arguments(p.oid) <> expected.arguments
            OR pg_catalog.pg_get_function_result(p.oid) <> expected.result)
        LOOP
            EXECUTE pg_catalog.format('DROP FUNCTION %s', v_function);
        END LOOP;
END
@@BODY@@;

-- Is a migration of the target schema in progress?
CREATE OR REPLACE FUNCTION @@SCHEMA@@.is_active_migration_period(schemaname name) RETURNS boolean
    LANGUAGE sql
    STABLE
    SET search_path = pg_catalog, pg_temp
AS
@@BODY@@
SELECT EXISTS (SELECT 1 FROM @@SCHEMA@@.migrations m WHERE m.schema = schemaname AND NOT m.done)
@@BODY@@;

-- Name of the newest migration of the target schema (of any type, active or not): the one without a child.
CREATE OR REPLACE FUNCTION @@SCHEMA@@.latest_migration(schemaname name) RETURNS text
    LANGUAGE sql
    STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS
@@BODY@@
SELECT m.name
FROM @@SCHEMA@@.migrations m
WHERE m.schema = schemaname
  AND NOT EXISTS (SELECT 1 FROM @@SCHEMA@@.migrations c WHERE c.schema = m.schema AND c.parent = m.name)
ORDER BY m.created_at DESC
LIMIT 1
@@BODY@@;

-- Name of the parent of the newest migration, or NULL.
CREATE OR REPLACE FUNCTION @@SCHEMA@@.previous_migration(schemaname name) RETURNS text
    LANGUAGE sql
    STABLE
    SET search_path = pg_catalog, pg_temp
AS
@@BODY@@
SELECT m.parent
FROM @@SCHEMA@@.migrations m
WHERE m.schema = schemaname
  AND m.name = @@SCHEMA@@.latest_migration(schemaname)
@@BODY@@;

-- Walks the history back from the newest migration and returns the version (the migration's version_schema, else
-- its name; without the "<schema>_" prefix) of the p_depth-th migration, counting from 0, whose version schema
-- "<schema>_<version>" exists. Inferred and baseline migrations never have one and are thereby skipped. The
-- schema name is compared as Postgres stores it, truncated to the identifier length.
CREATE OR REPLACE FUNCTION @@SCHEMA@@.find_version_schema(p_schema_name name, p_depth integer DEFAULT 0)
    RETURNS text
    LANGUAGE sql
    STABLE
    SET search_path = pg_catalog, pg_temp
AS
@@BODY@@
WITH RECURSIVE chain AS (SELECT m.name, m.parent, m.migration, 0 AS depth
                         FROM @@SCHEMA@@.migrations m
                         WHERE m.schema = p_schema_name
                           AND m.name = @@SCHEMA@@.latest_migration(p_schema_name)
                         UNION ALL
                         SELECT m.name, m.parent, m.migration, chain.depth + 1
                         FROM @@SCHEMA@@.migrations m
                                  JOIN chain ON m.schema = p_schema_name AND m.name = chain.parent),
               versions AS (SELECT COALESCE(NULLIF(chain.migration ->> 'version_schema', ''), chain.name) AS version,
                                   chain.depth
                            FROM chain)
SELECT v.version
FROM versions v
WHERE EXISTS (SELECT 1
              FROM pg_namespace n
              WHERE n.nspname = (p_schema_name::text || '_' || v.version)::name)
ORDER BY v.depth
OFFSET p_depth LIMIT 1
@@BODY@@;

-- The newest version whose version schema exists.
CREATE OR REPLACE FUNCTION @@SCHEMA@@.latest_version(schemaname name) RETURNS text
    LANGUAGE sql
    STABLE
    SET search_path = pg_catalog, pg_temp
AS
@@BODY@@
SELECT @@SCHEMA@@.find_version_schema(schemaname, 0)
@@BODY@@;

-- The version before it whose version schema exists.
CREATE OR REPLACE FUNCTION @@SCHEMA@@.previous_version(schemaname name) RETURNS text
    LANGUAGE sql
    STABLE
    SET search_path = pg_catalog, pg_temp
AS
@@BODY@@
SELECT @@SCHEMA@@.find_version_schema(schemaname, 1)
@@BODY@@;

-- JSON description of the tables (plain and partitioned) of a schema. Collections are always present (empty when
-- there is nothing); absent scalar facts (comment, default, predicate...) are left out. Type names, defaults and
-- definitions are rendered as seen from a session whose search_path is the target schema, whatever the caller's
-- search_path is.
CREATE OR REPLACE FUNCTION @@SCHEMA@@.read_schema(schemaname text) RETURNS jsonb
    LANGUAGE plpgsql
    STABLE
    SET search_path = pg_catalog, pg_temp
AS
@@BODY@@
DECLARE
    v_result jsonb;
BEGIN
    -- Local to this call: the SET clause above restores the caller's value on exit.
    PERFORM set_config('search_path', format('pg_catalog, %I, pg_temp', schemaname), true);

    SELECT jsonb_strip_nulls(jsonb_build_object(
            'name', schemaname,
            'tables', COALESCE(jsonb_object_agg(tbl.relname, tbl.doc), '{}'::jsonb)))
    INTO v_result
    FROM (SELECT t.relname,
                 jsonb_build_object(
                         'name', t.relname,
                         'oid', t.oid::text,
                         'comment', obj_description(t.oid, 'pg_class'),
                         'columns', cols.doc,
                         'primaryKey', pk.doc,
                         'indexes', idx.doc,
                         'checkConstraints', chk.doc,
                         'uniqueConstraints', uq.doc,
                         'excludeConstraints', excl.doc,
                         'foreignKeys', fk.doc) AS doc
          FROM pg_class t
                   JOIN pg_namespace ns ON ns.oid = t.relnamespace
              -- columns
                   CROSS JOIN LATERAL (
              SELECT COALESCE(jsonb_object_agg(a.attname, jsonb_build_object(
                      'name', a.attname,
                      'type', CASE
                                  WHEN a.atttypid IN ('varchar'::regtype, 'varchar[]'::regtype)
                                      THEN replace(format_type(a.atttypid, a.atttypmod), 'character varying',
                                                   'varchar')
                                  WHEN a.atttypid IN ('timestamptz'::regtype, 'timestamptz[]'::regtype)
                                      THEN replace(format_type(a.atttypid, a.atttypmod),
                                                   'timestamp with time zone', 'timestamptz')
                                  ELSE format_type(a.atttypid, a.atttypmod)
                          END,
                      'default', CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END,
                      'nullable', NOT (a.attnotnull OR (ty.typtype = 'd' AND ty.typnotnull)),
                      'unique', EXISTS (SELECT 1
                                        FROM pg_index ui
                                        WHERE ui.indrelid = a.attrelid
                                          AND ui.indisunique
                                          AND ui.indpred IS NULL
                                          AND ui.indnkeyatts = 1
                                          AND ui.indkey[0] = a.attnum),
                      'comment', col_description(a.attrelid, a.attnum),
                      'enumValues', CASE
                                        WHEN ty.typtype = 'e' THEN (SELECT jsonb_agg(e.enumlabel ORDER BY e.enumsortorder)
                                                                    FROM pg_enum e
                                                                    WHERE e.enumtypid = ty.oid)
                          END,
                      'postgresType', CASE ty.typtype
                                          WHEN 'b' THEN 'base'
                                          WHEN 'c' THEN 'composite'
                                          WHEN 'd' THEN 'domain'
                                          WHEN 'e' THEN 'enum'
                                          WHEN 'p' THEN 'pseudo'
                                          WHEN 'r' THEN 'range'
                                          WHEN 'm' THEN 'multirange'
                          END)), '{}'::jsonb) AS doc
              FROM pg_attribute a
                       JOIN pg_type ty ON ty.oid = a.atttypid
                       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
              WHERE a.attrelid = t.oid
                AND a.attnum > 0
                AND NOT a.attisdropped) cols
              -- primary key columns, in key order
                   CROSS JOIN LATERAL (
              SELECT COALESCE(jsonb_agg(a.attname ORDER BY k.position), '[]'::jsonb) AS doc
              FROM pg_index i
                       CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
                       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
              WHERE i.indrelid = t.oid
                AND i.indisprimary
                AND k.position <= i.indnkeyatts) pk
              -- indexes that cover at least one plain column
                   CROSS JOIN LATERAL (
              SELECT COALESCE(jsonb_object_agg(ic.relname, jsonb_build_object(
                      'name', ic.relname,
                      'unique', i.indisunique,
                      'exclusion', i.indisexclusion,
                      'columns', ikeys.names,
                      'predicate', pg_get_expr(i.indpred, i.indrelid),
                      'method', am.amname,
                      'definition', pg_get_indexdef(i.indexrelid))), '{}'::jsonb) AS doc
              FROM pg_index i
                       JOIN pg_class ic ON ic.oid = i.indexrelid
                       JOIN pg_am am ON am.oid = ic.relam
                       CROSS JOIN LATERAL (
                  SELECT jsonb_agg(a.attname ORDER BY k.position) AS names
                  FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
                           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) ikeys
              WHERE i.indrelid = t.oid
                AND ikeys.names IS NOT NULL) idx
              -- check constraints
                   CROSS JOIN LATERAL (
              SELECT COALESCE(jsonb_object_agg(c.conname, jsonb_build_object(
                      'name', c.conname,
                      'columns', (SELECT COALESCE(jsonb_agg(a.attname ORDER BY k.position), '[]'::jsonb)
                                  FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, position)
                                           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum),
                      'definition', pg_get_constraintdef(c.oid),
                      'noInherit', c.connoinherit)), '{}'::jsonb) AS doc
              FROM pg_constraint c
              WHERE c.conrelid = t.oid
                AND c.contype = 'c') chk
              -- unique constraints
                   CROSS JOIN LATERAL (
              SELECT COALESCE(jsonb_object_agg(c.conname, jsonb_build_object(
                      'name', c.conname,
                      'columns', (SELECT COALESCE(jsonb_agg(a.attname ORDER BY k.position), '[]'::jsonb)
                                  FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, position)
                                           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum)
                                                       )), '{}'::jsonb) AS doc
              FROM pg_constraint c
              WHERE c.conrelid = t.oid
                AND c.contype = 'u') uq
              -- exclusion constraints
                   CROSS JOIN LATERAL (
              SELECT COALESCE(jsonb_object_agg(c.conname, jsonb_build_object(
                      'name', c.conname,
                      'columns', (SELECT COALESCE(jsonb_agg(a.attname ORDER BY k.position), '[]'::jsonb)
                                  FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, position)
                                           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum),
                      'definition', pg_get_constraintdef(c.oid),
                      'predicate', pg_get_expr(i.indpred, i.indrelid),
                      'method', am.amname)), '{}'::jsonb) AS doc
              FROM pg_constraint c
                       LEFT JOIN pg_index i ON i.indexrelid = c.conindid
                       LEFT JOIN pg_class ic ON ic.oid = c.conindid
                       LEFT JOIN pg_am am ON am.oid = ic.relam
              WHERE c.conrelid = t.oid
                AND c.contype = 'x') excl
              -- foreign keys; columns and referencedColumns are positionally paired
                   CROSS JOIN LATERAL (
              SELECT COALESCE(jsonb_object_agg(c.conname, jsonb_build_object(
                      'name', c.conname,
                      'columns', (SELECT COALESCE(jsonb_agg(a.attname ORDER BY k.position), '[]'::jsonb)
                                  FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, position)
                                           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum),
                      'referencedTable', rt.relname,
                      'referencedColumns', (SELECT COALESCE(jsonb_agg(a.attname ORDER BY k.position), '[]'::jsonb)
                                            FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, position)
                                                     JOIN pg_attribute a
                                                          ON a.attrelid = c.confrelid AND a.attnum = k.attnum),
                      'matchType', CASE c.confmatchtype
                                       WHEN 'f' THEN 'FULL'
                                       WHEN 'p' THEN 'PARTIAL'
                                       WHEN 's' THEN 'SIMPLE'
                          END,
                      'onDelete', CASE c.confdeltype
                                      WHEN 'a' THEN 'NO ACTION'
                                      WHEN 'r' THEN 'RESTRICT'
                                      WHEN 'c' THEN 'CASCADE'
                                      WHEN 'n' THEN 'SET NULL'
                                      WHEN 'd' THEN 'SET DEFAULT'
                          END,
                      'onUpdate', CASE c.confupdtype
                                      WHEN 'a' THEN 'NO ACTION'
                                      WHEN 'r' THEN 'RESTRICT'
                                      WHEN 'c' THEN 'CASCADE'
                                      WHEN 'n' THEN 'SET NULL'
                                      WHEN 'd' THEN 'SET DEFAULT'
                          END)), '{}'::jsonb) AS doc
              FROM pg_constraint c
                       JOIN pg_class rt ON rt.oid = c.confrelid
              WHERE c.conrelid = t.oid
                AND c.contype = 'f') fk
          WHERE ns.nspname = schemaname
            AND t.relkind IN ('r', 'p')) tbl;

    RETURN v_result;
END
@@BODY@@;
