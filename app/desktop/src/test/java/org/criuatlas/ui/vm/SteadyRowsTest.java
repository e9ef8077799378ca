package org.criuatlas.ui.vm;

import javafx.collections.ListChangeListener;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.sample.SyntheticGraphs;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** The table's rows across refreshes, without a toolkit: changed in place, new ones inserted, ended ones kept marked. */
class SteadyRowsTest {
    static IpcGraph tree(int... extra) {
        SyntheticGraphs.Builder b = new SyntheticGraphs.Builder(true);
        b.process(1, 0, "init", "init");
        for (int p = 10; p < 20; p++) b.process(p, 1, "svc" + p, "svc" + p);
        for (int p : extra) {
            if (p > 0) b.process(p, p / 100, "new" + p, "new" + p); // under svc (p / 100)
        }
        return b.build();
    }

    static IpcGraph without(IpcGraph g, int... pids) {
        var keep = new ArrayList<>(g.processes().values());
        keep.removeIf(p -> java.util.Arrays.stream(pids).anyMatch(x -> x == p.pid()));
        return IpcGraph.of(g.meta(), keep, g.sockets().values(), g.pipes().values(), List.of());
    }

    @Test
    void rowsStayWhereTheyAreAcrossARefresh() {
        AtomicReference<IpcGraph> live = new AtomicReference<>(tree());
        ExplorerViewModel vm = new ExplorerViewModel(new PlanViewModel((g, r, c) -> null));
        RefreshController rc = new RefreshController(live::get, Runnable::run, Runnable::run, vm);
        rc.refreshNow();
        List<Integer> before = vm.allRows().stream().map(ProcessRow::pid).toList();
        assertEquals(List.of(1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19), before);

        // two new processes under 12 and 17, two gone (13 and 15): no list replaced, nothing else moves
        List<String> changes = new ArrayList<>();
        vm.allRows().addListener((ListChangeListener<ProcessRow>) c -> {
            while (c.next()) {
                if (c.wasReplaced() && c.getRemovedSize() > 1) changes.add("replaced " + c.getRemovedSize());
                else if (c.wasAdded()) changes.add("added " + c.getAddedSize());
                else if (c.wasRemoved()) changes.add("removed " + c.getRemovedSize());
            }
        });
        live.set(without(tree(1201, 1701), 13, 15));
        vm.holdRowsProperty().set(true); // the pointer is over the table
        rc.refreshNow();
        assertEquals(List.of(1, 10, 11, 12, 1201, 13, 14, 15, 16, 17, 1701, 18, 19),
                vm.allRows().stream().map(ProcessRow::pid).toList(), "new rows after their parent; ended ones kept");
        assertTrue(vm.isGone(13) && vm.isGone(15));
        assertFalse(vm.isGone(14));
        assertTrue(changes.stream().noneMatch(s -> s.startsWith("replaced")), changes.toString());
        assertTrue(vm.countsProperty().get().startsWith("11 processes"), "gone rows are not counted: " + vm.countsProperty().get());

        // a refresh while held keeps them; once released, the next refresh lets them go
        rc.refreshNow();
        assertTrue(vm.isGone(13));
        vm.holdRowsProperty().set(false);
        rc.refreshNow();
        assertEquals(List.of(1, 10, 11, 12, 1201, 14, 16, 17, 1701, 18, 19), vm.allRows().stream().map(ProcessRow::pid).toList());
        assertFalse(vm.isGone(13));
    }
}
