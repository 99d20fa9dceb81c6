package io.pgroll.sample;

/** A book; prices are kept in cents whatever the schema version stores. */
public record Book(long id, String title, long priceCents) {
}
