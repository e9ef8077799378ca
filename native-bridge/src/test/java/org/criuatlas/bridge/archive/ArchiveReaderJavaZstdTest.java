package org.criuatlas.bridge.archive;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every archive test again with the in-process zstd decoder (aircompressor), which the reader uses
 * where no trusted zstd binary is installed: the same members, the same typed errors for cut,
 * damaged and traversing archives, the same limits and cancel.
 */
class ArchiveReaderJavaZstdTest extends ArchiveReaderTest {
    @BeforeAll
    static void inProcessDecoder() {
        System.setProperty(ZstdProcess.DECODER_PROPERTY, "java");
        assertEquals("aircompressor (in process)", ArchiveReader.zstdDecoder());
    }

    @AfterAll
    static void systemDecoderAgain() {
        System.clearProperty(ZstdProcess.DECODER_PROPERTY);
    }
}
