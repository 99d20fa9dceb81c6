package io.pgroll.core.migration;

/** Sample migration files shared by the reader and writer tests. */
final class MigrationSamples {
    private MigrationSamples() {
    }

    /** One realistic migration using all 15 operation types, as YAML. */
    static final String EVERY_OPERATION_YAML = """
        version_schema: v15
        operations:
          - create_table:
              name: products
              columns:
                - name: id
                  type: serial
                  pk: true
                - name: name
                  type: varchar(255)
                  unique: true
                - name: price
                  type: decimal(10,2)
                  default: 0
                  check:
                    name: price_positive
                    constraint: price >= 0
          - rename_table:
              from: products
              to: items
          - rename_column:
              table: items
              from: name
              to: title
          - add_column:
              table: items
              up: '''untitled'''
              column:
                name: description
                type: text
                nullable: true
                default: '''none'''
          - drop_column:
              table: items
              column: description
              down: 0
          - alter_column:
              table: items
              column: price
              nullable: false
              default: null
              comment: the price
              up: COALESCE(price, 0)
              down: price
          - create_index:
              name: idx_title
              table: items
              columns:
                - column: title
          - drop_index:
              name: idx_title
          - create_constraint:
              table: items
              name: title_price_unique
              type: unique
              columns: [title, price]
              up:
                title: title
                price: price
              down:
                title: title
                price: price
          - rename_constraint:
              table: items
              from: title_price_unique
              to: items_uq
          - drop_multicolumn_constraint:
              table: items
              name: items_uq
              down:
                title: title
                price: price
          - drop_constraint:
              table: items
              name: price_positive
              down: price
          - set_replica_identity:
              table: items
              identity:
                type: full
          - sql:
              up: |
                UPDATE items SET price = 1
                WHERE price IS NULL
              onComplete: true
          - drop_table:
              name: items
        """;

    /** The same migration as {@link #EVERY_OPERATION_YAML}, as JSON. */
    static final String EVERY_OPERATION_JSON = """
        {"version_schema": "v15", "operations": [
          {"create_table": {"name": "products", "columns": [
            {"name": "id", "type": "serial", "pk": true},
            {"name": "name", "type": "varchar(255)", "unique": true},
            {"name": "price", "type": "decimal(10,2)", "default": "0",
             "check": {"name": "price_positive", "constraint": "price >= 0"}}]}},
          {"rename_table": {"from": "products", "to": "items"}},
          {"rename_column": {"table": "items", "from": "name", "to": "title"}},
          {"add_column": {"table": "items", "up": "'untitled'",
            "column": {"name": "description", "type": "text", "nullable": true, "default": "'none'"}}},
          {"drop_column": {"table": "items", "column": "description", "down": "0"}},
          {"alter_column": {"table": "items", "column": "price", "nullable": false, "default": null,
            "comment": "the price", "up": "COALESCE(price, 0)", "down": "price"}},
          {"create_index": {"name": "idx_title", "table": "items", "columns": [{"column": "title"}]}},
          {"drop_index": {"name": "idx_title"}},
          {"create_constraint": {"table": "items", "name": "title_price_unique", "type": "unique",
            "columns": ["title", "price"], "up": {"title": "title", "price": "price"},
            "down": {"title": "title", "price": "price"}}},
          {"rename_constraint": {"table": "items", "from": "title_price_unique", "to": "items_uq"}},
          {"drop_multicolumn_constraint": {"table": "items", "name": "items_uq",
            "down": {"title": "title", "price": "price"}}},
          {"drop_constraint": {"table": "items", "name": "price_positive", "down": "price"}},
          {"set_replica_identity": {"table": "items", "identity": {"type": "full"}}},
          {"sql": {"up": "UPDATE items SET price = 1\\nWHERE price IS NULL\\n", "onComplete": true}},
          {"drop_table": {"name": "items"}}
        ]}""";
}
