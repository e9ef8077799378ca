package org.criuatlas.ui;

/**
 * The real-process plan test again, on a real X server (the screenshot execution runs only
 * *ScreenshotTest classes): it also saves 05-real-processes-plan.png under target/screenshots-x (scripts/refresh-screenshots.sh copies it to docs/screenshots).
 */
class RealProcessPlanScreenshotTest extends RealProcessPlanTest {
}
