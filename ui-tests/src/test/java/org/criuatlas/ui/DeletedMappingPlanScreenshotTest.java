package org.criuatlas.ui;

/**
 * The deleted-mapping plan test again, on a real X server (the screenshot execution runs only
 * *ScreenshotTest classes): it also saves plan-deleted-mapping(-dark).png under target/screenshots-x.
 */
class DeletedMappingPlanScreenshotTest extends DeletedMappingPlanTest {
}
