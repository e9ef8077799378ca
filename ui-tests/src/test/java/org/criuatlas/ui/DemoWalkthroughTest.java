package org.criuatlas.ui;

import org.junit.jupiter.api.Test;

/** The issue-7 walkthrough headless (Monocle); screenshots go to target/screenshots. */
class DemoWalkthroughTest extends DemoWalkthrough {
    @Test
    void demoOneThroughTheWindow() throws Exception {
        walkthrough();
    }
}
