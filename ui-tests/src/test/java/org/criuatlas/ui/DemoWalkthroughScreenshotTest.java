package org.criuatlas.ui;

import org.junit.jupiter.api.Test;

/** The issue-7 walkthrough on the X server (Xvfb): the README's walkthrough-NN-*.png, written under target/screenshots-x (scripts/refresh-screenshots.sh copies them to docs/screenshots). */
class DemoWalkthroughScreenshotTest extends DemoWalkthrough {
    @Test
    void demoOneThroughTheWindowWithScreenshots() throws Exception {
        walkthrough();
    }
}
