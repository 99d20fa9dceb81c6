package io.pgroll.sample;

import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Release 2's code: {@code books.price} is integer cents (migration 02). */
@Repository
@ConditionalOnProperty(name = "app.version", havingValue = "2")
public class CentPricedBookRepository implements BookRepository {

    private final JdbcClient jdbc;

    public CentPricedBookRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public long add(String title, long priceCents) {
        return jdbc.sql("INSERT INTO books (title, price) VALUES (:title, :price) RETURNING id")
                .param("title", title)
                .param("price", priceCents)
                .query(Long.class).single();
    }

    @Override
    public List<Book> findAll() {
        return jdbc.sql("SELECT id, title, price FROM books ORDER BY id")
                .query((rs, n) -> new Book(rs.getLong("id"), rs.getString("title"), rs.getLong("price")))
                .list();
    }
}
