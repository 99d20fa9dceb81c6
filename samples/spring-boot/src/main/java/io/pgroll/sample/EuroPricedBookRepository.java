package io.pgroll.sample;

import java.math.BigDecimal;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Release 1's code: {@code books.price} is numeric euros (migration 01). */
@Repository
@ConditionalOnProperty(name = "app.version", havingValue = "1")
public class EuroPricedBookRepository implements BookRepository {

    private final JdbcClient jdbc;

    public EuroPricedBookRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public long add(String title, long priceCents) {
        return jdbc.sql("INSERT INTO books (title, price) VALUES (:title, :price) RETURNING id")
                .param("title", title)
                .param("price", BigDecimal.valueOf(priceCents, 2))
                .query(Long.class).single();
    }

    @Override
    public List<Book> findAll() {
        return jdbc.sql("SELECT id, title, price FROM books ORDER BY id")
                .query((rs, n) -> new Book(rs.getLong("id"), rs.getString("title"),
                        rs.getBigDecimal("price").movePointRight(2).longValueExact()))
                .list();
    }
}
