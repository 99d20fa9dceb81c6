package io.pgroll.core.testing;

import org.junit.jupiter.api.BeforeEach;

/** A test class whose tests each work in a database of their own, through {@link #h}. */
public abstract class HarnessTest {
    protected Harness h;

    @BeforeEach
    protected void openHarness() {
        h = Harness.create();
    }
}
