package org.criuatlas.ui;

import org.junit.jupiter.api.Test;

/** The issue-7 walkthrough on the X server (Xvfb): the README's docs/screenshots/walkthrough-NN-*.png. */
class DemoWalkthroughScreenshotTest extends DemoWalkthrough {
    @Test
    void demoOneThroughTheWindowWithScreenshots() throws Exception {
        walkthrough();
    }
}
