package org.criuatlas.ui.restore.vm;

import org.criuatlas.host.Host;
import org.criuatlas.host.HostOperation;
import org.criuatlas.host.RestoreGate;
import org.criuatlas.host.RestoreRequest;
import org.criuatlas.host.RestoreResult;
import org.criuatlas.plan.restore.WiringFixtures;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The board's side of the trust gate without a toolkit: a host that answers NeedsConfirmation until
 * the request says the user confirmed. The board asks (confirmation set, Restore off), "Restore
 * anyway" sends the same request trusted, Cancel and an edit drop the question; the preview check
 * lists the host's verdict as a "folder not trusted" line. Real CRIU and a real folder: RestoreTrustBoardTest.
 */
class RestoreBoardTrustTest {
    final Path folder = Path.of("/srv/dumps/web");
    final RestoreGate.Verdict verdict = new RestoreGate.Verdict(folder, 1000, List.of(
            new RestoreGate.Finding(RestoreGate.Concern.FOREIGN_OWNER, folder, "the folder belongs to mallory (uid 1001), not to root or alice"),
            new RestoreGate.Finding(RestoreGate.Concern.WRITABLE_BY_OTHERS, folder.resolve("pages-1.img"), "pages-1.img is writable by other users (mode 0666)"),
            new RestoreGate.Finding(RestoreGate.Concern.INCOMPLETE_DUMP, folder.resolve(".criu-atlas-incomplete"),
                    "it holds an incomplete dump (.criu-atlas-incomplete): the dump that wrote it did not finish")));
    final List<RestoreRequest> asked = new ArrayList<>();

    /** Refuses untrusted requests as the gate does; a confirmed one "fails" at once (no criu here). */
    Host host() {
        return (Host) Proxy.newProxyInstance(Host.class.getClassLoader(), new Class<?>[]{Host.class}, (p, m, args) -> switch (m.getName()) {
            case "restore" -> {
                RestoreRequest r = (RestoreRequest) args[0];
                asked.add(r);
                yield new HostOperation<RestoreResult>(CompletableFuture.completedFuture(r.trustConfirmed()
                        ? new RestoreResult.Failed("criu ran (test host)", null) : new RestoreResult.NeedsConfirmation(verdict)), () -> {});
            }
            case "restoreTrust" -> Optional.of(verdict);
            case "previewRestore" -> throw new org.criuatlas.bridge.images.ImageFormatException(
                    org.criuatlas.bridge.images.ImageFormatException.Kind.NOT_A_DUMP, folder, 0, "no images in this test");
            case "close" -> null;
            default -> throw new UnsupportedOperationException(m.getName());
        });
    }

    RestoreBoardModel model() {
        return new RestoreBoardModel(WiringFixtures.plan(), host(), Path.of("/usr/bin/criu"), Runnable::run, Runnable::run);
    }

    @Test
    void asksThenRestoresAnywayWithTheSameRequestTrusted() {
        RestoreBoardModel m = model();
        m.restore();
        assertEquals(1, asked.size());
        assertFalse(asked.get(0).trustConfirmed());
        assertSame(verdict, m.confirmationProperty().get(), "the board asks");
        assertFalse(m.canRestoreProperty().get(), "Restore waits for the answer");
        assertFalse(m.failedProperty().get(), "a question, not a failure");
        assertTrue(m.statusProperty().get().contains("criu was not started"), m.statusProperty().get());

        List<RestoreBoardWords.TrustReason> reasons = RestoreBoardWords.trustReasons(verdict);
        assertEquals(List.of("Owner", "Mode", "Incomplete dump"), reasons.stream().map(RestoreBoardWords.TrustReason::title).toList());
        assertEquals(folder.resolve("pages-1.img").toString(), reasons.get(1).path());

        m.confirmRestore();
        assertEquals(2, asked.size());
        assertTrue(asked.get(1).trustConfirmed(), "Restore anyway goes past the gate");
        assertEquals(asked.get(0).plan(), asked.get(1).plan(), "with the same plan");
        assertNull(m.confirmationProperty().get());
        assertTrue(m.statusProperty().get().contains("criu ran (test host)"));
    }

    @Test
    void cancelAndEditsDropTheQuestion() {
        RestoreBoardModel m = model();
        m.restore();
        assertNotNull(m.confirmationProperty().get());
        m.declineRestore();
        assertNull(m.confirmationProperty().get());
        assertTrue(m.canRestoreProperty().get());
        assertTrue(m.statusProperty().get().contains("you cancelled"));
        m.confirmRestore(); // nothing to confirm any more
        assertEquals(1, asked.size());

        m.restore();
        assertNotNull(m.confirmationProperty().get());
        m.setRestoreSibling(!m.planProperty().get().restoreSibling());
        assertNull(m.confirmationProperty().get(), "the question was about the plan before the edit");
        assertTrue(m.canRestoreProperty().get());
    }

    @Test
    void thePreviewListsTheFolderAsNotTrusted() {
        RestoreBoardModel m = model();
        m.checkMachine();
        assertSame(verdict, m.trustProperty().get());
        String line = m.conflictLines().get(0);
        assertTrue(line.startsWith(RestoreBoardWords.TRUST_LINE_START + " \u2014 " + folder), line);
        assertTrue(line.contains("Owner: the folder belongs to mallory"), line);
        assertTrue(line.contains("Mode: pages-1.img is writable by other users (mode 0666)"), line);
        assertTrue(line.contains("Incomplete dump: it holds an incomplete dump"), line);
        assertTrue(m.previewStatusProperty().get().contains("Restore asks first"), m.previewStatusProperty().get());
    }
}
