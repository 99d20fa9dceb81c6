package io.pgroll.sample;

import java.util.List;

/** The books of the shop, as the running release of the code stores them. */
public interface BookRepository {

    /** Adds a book and returns its id. */
    long add(String title, long priceCents);

    /** Every book, by id. */
    List<Book> findAll();
}
