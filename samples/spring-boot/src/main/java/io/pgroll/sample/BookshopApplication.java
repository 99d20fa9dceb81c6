package io.pgroll.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A bookshop whose schema pgroll migrates at startup. Release 1 ships migration 01 (prices in euros), release 2 also
 * 02 (prices in cents): during a rollout both run at once, each on its own version schema.
 */
@SpringBootApplication
public class BookshopApplication {

    public static void main(String[] args) {
        SpringApplication.run(BookshopApplication.class, args);
    }
}
