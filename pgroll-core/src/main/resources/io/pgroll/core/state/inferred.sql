-- Inferred migrations: DDL run outside pgroll is recorded in the history. Same template markers as init.sql; runs
-- after it, in the same transaction, and only for roles allowed to create event triggers (superusers).

CREATE OR REPLACE FUNCTION @@SCHEMA@@.raw_migration() RETURNS event_trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS
@@BODY@@
DECLARE
    v_schema      text;
    v_latest      text;
    v_base_name   text;
    v_stamp       timestamptz := statement_timestamp();
BEGIN
    -- Sessions of pgroll (either implementation) mark themselves.
    IF current_setting('pgroll.no_inferred_migrations', true) = 'TRUE' THEN
        RETURN;
    END IF;

    IF tg_event = 'sql_drop' THEN
        -- ALTER TABLE also fires ddl_command_end, which records it.
        IF tg_tag = 'ALTER TABLE' THEN
            RETURN;
        END IF;
        IF tg_tag = 'DROP SCHEMA' THEN
            SELECT d.object_name INTO v_schema
            FROM pg_event_trigger_dropped_objects() d
            WHERE d.object_type = 'schema'
            LIMIT 1;
        ELSE
            SELECT d.schema_name INTO v_schema
            FROM pg_event_trigger_dropped_objects() d
            WHERE d.schema_name IS NOT NULL
            LIMIT 1;
        END IF;
    ELSIF tg_event = 'ddl_command_end' THEN
        IF (SELECT count(DISTINCT c.schema_name)
            FROM pg_event_trigger_ddl_commands() c
            WHERE c.schema_name IS NOT NULL) > 1 THEN
            RETURN;
        END IF;
        IF tg_tag = 'CREATE SCHEMA' THEN
            SELECT n.nspname INTO v_schema
            FROM pg_event_trigger_ddl_commands() c
                     JOIN pg_namespace n ON n.oid = c.objid
            WHERE c.object_type = 'schema'
            LIMIT 1;
        ELSE
            SELECT c.schema_name INTO v_schema
            FROM pg_event_trigger_ddl_commands() c
            WHERE c.schema_name IS NOT NULL
            LIMIT 1;
        END IF;
    END IF;

    -- Nothing to attribute, temporary objects, or our own bookkeeping.
    IF v_schema IS NULL OR v_schema LIKE 'pg\_temp%' OR v_schema = @@SCHEMA_LITERAL@@ THEN
        RETURN;
    END IF;

    -- DDL during a migration belongs to that migration's period, not to the history.
    IF @@SCHEMA@@.is_active_migration_period(v_schema) THEN
        RETURN;
    END IF;

    -- A multi-statement batch fires once per statement, each seeing the whole batch as its query: keep one row.
    DELETE
    FROM @@SCHEMA@@.migrations m
    WHERE m.schema = v_schema
      AND m.migration_type = 'inferred'
      AND m.created_at = v_stamp
      AND m.migration -> 'operations' -> 0 -> 'sql' ->> 'up' = current_query()
      AND NOT EXISTS (SELECT 1 FROM @@SCHEMA@@.migrations c WHERE c.schema = m.schema AND c.parent = m.name);

    v_latest := @@SCHEMA@@.latest_migration(v_schema);

    -- Named after the newest migration that is not itself inferred.
    WITH RECURSIVE chain AS (SELECT m.name, m.parent, m.migration_type, 0 AS depth
                             FROM @@SCHEMA@@.migrations m
                             WHERE m.schema = v_schema
                               AND m.name = v_latest
                             UNION ALL
                             SELECT m.name, m.parent, m.migration_type, chain.depth + 1
                             FROM @@SCHEMA@@.migrations m
                                      JOIN chain ON m.schema = v_schema AND m.name = chain.parent)
    SELECT chain.name INTO v_base_name
    FROM chain
    WHERE chain.migration_type IS DISTINCT FROM 'inferred'
    ORDER BY chain.depth
    LIMIT 1;

    BEGIN
        INSERT INTO @@SCHEMA@@.migrations (schema, name, migration, resulting_schema, done, parent, migration_type,
                                          created_at, updated_at)
        VALUES (v_schema,
                COALESCE(v_base_name, '00000_initial') || '_' || to_char(clock_timestamp(), 'YYYYMMDDHH24MISSUS'),
                jsonb_build_object(
                        'version_schema', 'sql_' || left(md5(random()::text), 8),
                        'operations', jsonb_build_array(
                                jsonb_build_object('sql', jsonb_build_object('up', current_query())))),
                @@SCHEMA@@.read_schema(v_schema),
                true,
                v_latest,
                'inferred',
                v_stamp,
                v_stamp);
    EXCEPTION
        -- A concurrent change of the same history won the race: do not fail the user's DDL over bookkeeping.
        WHEN unique_violation OR foreign_key_violation THEN
            RAISE WARNING 'pgroll: DDL on schema % not recorded in the migration history: %', v_schema, SQLERRM;
    END;
END
@@BODY@@;

DROP EVENT TRIGGER IF EXISTS pg_roll_handle_ddl;
CREATE EVENT TRIGGER pg_roll_handle_ddl ON ddl_command_end
    EXECUTE FUNCTION @@SCHEMA@@.raw_migration();

DROP EVENT TRIGGER IF EXISTS pg_roll_handle_drop;
CREATE EVENT TRIGGER pg_roll_handle_drop ON sql_drop
    EXECUTE FUNCTION @@SCHEMA@@.raw_migration();
