package org.criuatlas.ui;

/**
 * The real-process plan test again, on a real X server (the screenshot execution runs only
 * *ScreenshotTest classes): it also saves docs/screenshots/05-real-processes-plan.png.
 */
class RealProcessPlanScreenshotTest extends RealProcessPlanTest {
}
