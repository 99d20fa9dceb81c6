package io.pgroll.core.state;

import static io.pgroll.core.state.StateTestSupport.connect;
import static io.pgroll.core.state.StateTestSupport.exec;
import static io.pgroll.core.state.StateTestSupport.json;
import static io.pgroll.core.state.StateTestSupport.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgroll.core.testing.TestPostgres;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReadSchemaTest {

    private static String url;

    @BeforeAll
    static void createSchema() throws Exception {
        url = TestPostgres.newDatabase();
        try (Connection c = connect(url)) {
            new StateStore(c, "pgroll").init();
            exec(c,
                    "CREATE SCHEMA shop",
                    "CREATE TYPE shop.mood AS ENUM ('sad', 'ok', 'happy')",
                    "CREATE DOMAIN shop.positive_int AS integer NOT NULL CHECK (VALUE > 0)",
                    "CREATE TABLE shop.customers ("
                            + " id serial PRIMARY KEY,"
                            + " email varchar(255) NOT NULL UNIQUE,"
                            + " name text NOT NULL CHECK (length(name) > 3),"
                            + " mood shop.mood,"
                            + " points shop.positive_int,"
                            + " created_at timestamptz DEFAULT now(),"
                            + " tags varchar(10)[],"
                            + " name_upper text GENERATED ALWAYS AS (upper(name)) STORED)",
                    "COMMENT ON TABLE shop.customers IS 'people'",
                    "COMMENT ON COLUMN shop.customers.email IS 'login'",
                    "CREATE INDEX customers_lower_name ON shop.customers (lower(name))",
                    "CREATE TABLE shop.orders ("
                            + " customer_id integer NOT NULL REFERENCES shop.customers (id) ON DELETE CASCADE,"
                            + " order_no integer NOT NULL,"
                            + " region text,"
                            + " code text,"
                            + " during tstzrange,"
                            + " PRIMARY KEY (customer_id, order_no),"
                            + " CONSTRAINT orders_region_code_key UNIQUE (region, code),"
                            + " CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&) WHERE (region IS NOT NULL))",
                    "CREATE INDEX orders_open ON shop.orders (region) WHERE code IS NULL",
                    "CREATE TABLE shop.order_lines ("
                            + " line integer,"
                            + " z_cust integer,"
                            + " a_no integer,"
                            + " CONSTRAINT order_lines_order_fk FOREIGN KEY (z_cust, a_no)"
                            + "   REFERENCES shop.orders (customer_id, order_no) MATCH FULL ON UPDATE RESTRICT)",
                    "CREATE TABLE shop.events (id integer, at date) PARTITION BY RANGE (at)",
                    "CREATE TABLE shop.events_2024 PARTITION OF shop.events"
                            + " FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
                    "CREATE VIEW shop.customer_names AS SELECT name FROM shop.customers",
                    "CREATE TABLE public.\"\"\"; drop table x; --\" (\"weird \"\"col\"\"\" integer UNIQUE)");
        }
    }

    private static JsonNode read(String schema) throws Exception {
        try (Connection c = connect(url)) {
            return json(new StateStore(c, "pgroll").readSchema(schema));
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return names;
    }

    @Test
    void tablesOfASchema() throws Exception {
        JsonNode schema = read("shop");
        assertEquals("shop", schema.get("name").asText());
        assertEquals(List.of("customers", "events", "events_2024", "order_lines", "orders"),
                fieldNames(schema.get("tables")), "plain and partitioned tables, no views");
        JsonNode customers = schema.get("tables").get("customers");
        assertEquals(List.of("checkConstraints", "columns", "comment", "excludeConstraints", "foreignKeys", "indexes",
                "name", "oid", "primaryKey", "uniqueConstraints"), fieldNames(customers));
        assertEquals("customers", customers.get("name").asText());
        assertEquals("people", customers.get("comment").asText());
        try (Connection c = connect(url)) {
            assertEquals(one(c, "SELECT 'shop.customers'::regclass::oid"), customers.get("oid").textValue());
        }
        JsonNode events = schema.get("tables").get("events");
        assertFalse(events.has("comment"));
        assertEquals(json("[]"), events.get("primaryKey"));
        assertEquals(json("{}"), events.get("foreignKeys"));
    }

    @Test
    void columns() throws Exception {
        JsonNode columns = read("shop").get("tables").get("customers").get("columns");
        assertEquals(json("""
                {"name": "id", "type": "integer", "default": "nextval('customers_id_seq'::regclass)",
                 "nullable": false, "unique": true, "postgresType": "base"}"""), columns.get("id"));
        assertEquals(json("""
                {"name": "email", "type": "varchar(255)", "nullable": false, "unique": true, "comment": "login",
                 "postgresType": "base"}"""), columns.get("email"));
        assertEquals(json("""
                {"name": "name", "type": "text", "nullable": false, "unique": false, "postgresType": "base"}"""),
                columns.get("name"));
        assertEquals(json("""
                {"name": "mood", "type": "mood", "nullable": true, "unique": false,
                 "enumValues": ["sad", "ok", "happy"], "postgresType": "enum"}"""), columns.get("mood"));
        assertEquals(json("""
                {"name": "points", "type": "positive_int", "nullable": false, "unique": false,
                 "postgresType": "domain"}"""), columns.get("points"));
        assertEquals(json("""
                {"name": "created_at", "type": "timestamptz", "default": "now()", "nullable": true,
                 "unique": false, "postgresType": "base"}"""), columns.get("created_at"));
        assertEquals("varchar(10)[]", columns.get("tags").get("type").asText());
        assertEquals(json("""
                {"name": "name_upper", "type": "text", "nullable": true, "unique": false,
                 "postgresType": "base"}"""), columns.get("name_upper"));
    }

    @Test
    void keysIndexesAndConstraints() throws Exception {
        JsonNode tables = read("shop").get("tables");
        JsonNode customers = tables.get("customers");
        assertEquals(json("[\"id\"]"), customers.get("primaryKey"));
        assertEquals(List.of("customers_email_key", "customers_pkey"), fieldNames(customers.get("indexes")),
                "pure-expression indexes are left out");
        assertEquals(json("""
                {"name": "customers_pkey", "unique": true, "exclusion": false, "columns": ["id"], "method": "btree",
                 "definition": "CREATE UNIQUE INDEX customers_pkey ON shop.customers USING btree (id)"}"""),
                customers.get("indexes").get("customers_pkey"));
        assertEquals(json("""
                {"customers_name_check": {"name": "customers_name_check", "columns": ["name"],
                 "definition": "CHECK ((length(name) > 3))", "noInherit": false}}"""),
                customers.get("checkConstraints"));
        assertEquals(json("""
                {"customers_email_key": {"name": "customers_email_key", "columns": ["email"]}}"""),
                customers.get("uniqueConstraints"));

        JsonNode orders = tables.get("orders");
        assertEquals(json("[\"customer_id\", \"order_no\"]"), orders.get("primaryKey"));
        assertEquals(json("""
                {"orders_customer_id_fkey": {"name": "orders_customer_id_fkey", "columns": ["customer_id"],
                 "referencedTable": "customers", "referencedColumns": ["id"], "matchType": "SIMPLE",
                 "onDelete": "CASCADE", "onUpdate": "NO ACTION"}}"""), orders.get("foreignKeys"));
        assertEquals(json("""
                {"orders_region_code_key": {"name": "orders_region_code_key", "columns": ["region", "code"]}}"""),
                orders.get("uniqueConstraints"));
        assertEquals(json("""
                {"no_overlap": {"name": "no_overlap", "columns": ["during"], "method": "gist",
                 "predicate": "(region IS NOT NULL)",
                 "definition": "EXCLUDE USING gist (during WITH &&) WHERE ((region IS NOT NULL))"}}"""),
                orders.get("excludeConstraints"));
        assertEquals(json("""
                {"name": "orders_open", "unique": false, "exclusion": false, "columns": ["region"],
                 "predicate": "(code IS NULL)", "method": "btree",
                 "definition": "CREATE INDEX orders_open ON shop.orders USING btree (region) WHERE (code IS NULL)"}"""),
                orders.get("indexes").get("orders_open"));
        JsonNode exclusionIndex = orders.get("indexes").get("no_overlap");
        assertEquals(true, exclusionIndex.get("exclusion").asBoolean());
        assertEquals(false, exclusionIndex.get("unique").asBoolean());
        assertEquals(false, orders.get("columns").get("region").get("unique").asBoolean(),
                "a multi-column unique constraint does not make its columns unique");

        // columns and referenced columns stay paired by position (upstream sorts each list alphabetically)
        assertEquals(json("""
                {"order_lines_order_fk": {"name": "order_lines_order_fk", "columns": ["z_cust", "a_no"],
                 "referencedTable": "orders", "referencedColumns": ["customer_id", "order_no"],
                 "matchType": "FULL", "onDelete": "NO ACTION", "onUpdate": "RESTRICT"}}"""),
                tables.get("order_lines").get("foreignKeys"));
    }

    @Test
    void oddIdentifiersInThePublicSchema() throws Exception {
        JsonNode table = read("public").get("tables").get("\"; drop table x; --");
        assertEquals("\"; drop table x; --", table.get("name").asText());
        JsonNode column = table.get("columns").get("weird \"col\"");
        assertEquals(true, column.get("unique").asBoolean());
        assertEquals(json("[\"weird \\\"col\\\"\"]"),
                table.get("uniqueConstraints").elements().next().get("columns"));
    }

    @Test
    void missingSchemaHasNoTables() throws Exception {
        assertEquals(json("{\"name\": \"nope\", \"tables\": {}}"), read("nope"));
    }

    @Test
    void independentOfTheCallersSearchPath() throws Exception {
        try (Connection c = connect(url)) {
            StateStore store = new StateStore(c, "pgroll");
            String fromDefault = store.readSchema("shop");
            exec(c, "SET search_path = shop, public");
            assertEquals(json(fromDefault), json(store.readSchema("shop")));
            assertEquals("shop, public", one(c, "SHOW search_path"), "the caller's search_path is restored");
            exec(c, "SET search_path = pgroll");
            assertEquals(json(fromDefault), json(store.readSchema("shop")));
        }
    }
}
