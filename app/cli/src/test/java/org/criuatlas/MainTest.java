package org.criuatlas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a file manager hands over ("Open with CRIU Atlas" on inventory.img) opens the image directory. */
class MainTest {
    @Test
    void anInventoryOpensItsFolder(@TempDir Path dir) throws Exception {
        Path inv = Files.write(dir.resolve("inventory.img"), new byte[]{0x16, 0x31, 0x31, 0x58});
        String[] args = {inv.toString()};
        assertTrue(Main.opensWindow(args));
        assertArrayEquals(new String[]{dir.toAbsolutePath().toString()}, Main.imageDirArguments(args));
    }

    @Test
    void otherFilesAreCommandsNotWindows(@TempDir Path dir) throws Exception {
        Path other = Files.write(dir.resolve("pstree.img"), new byte[]{1});
        assertFalse(Main.opensWindow(new String[]{other.toString()}));
        assertFalse(Main.opensWindow(new String[]{dir.resolve("inventory.img").toString()}), "a missing file is not an image directory");
        assertArrayEquals(new String[]{dir.toString()}, Main.imageDirArguments(new String[]{dir.toString()}));
    }
}
