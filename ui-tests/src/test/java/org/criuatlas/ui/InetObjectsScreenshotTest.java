package org.criuatlas.ui;

/**
 * The inet/badges/filter test again, on a real X server (the screenshot execution runs only
 * *ScreenshotTest classes): it saves inet-plan-filter-off/-on (light and dark) under target/screenshots-x.
 */
class InetObjectsScreenshotTest extends InetObjectsTest {
}
