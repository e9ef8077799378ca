package org.criuatlas.bridge.proc;

import org.criuatlas.model.SysvMessageQueue;
import org.criuatlas.model.SysvSemaphoreSet;
import org.criuatlas.model.SysvSharedMemory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * /proc/sysvipc/shm, sem and msg: a header line naming the columns, then one line per object.
 * Columns are found by their header names, so a kernel that adds columns does not break this.
 * Keys are signed decimal, perms octal, everything else decimal.
 */
public final class SysvIpcTables {
    private SysvIpcTables() {}

    public static List<SysvSharedMemory> parseShm(String text, long ipcNs) {
        Table t = new Table("sysvipc/shm", text, "key", "shmid", "perms", "size", "cpid", "lpid", "nattch", "uid", "gid");
        List<SysvSharedMemory> out = new ArrayList<>(t.rows.size());
        for (String[] r : t.rows) {
            out.add(new SysvSharedMemory(ipcNs, (int) t.dec(r, "key"), (int) t.dec(r, "shmid"), t.oct(r, "perms"),
                    t.dec(r, "size"), (int) t.dec(r, "cpid"), (int) t.dec(r, "lpid"), (int) t.dec(r, "nattch"),
                    (int) t.dec(r, "uid"), (int) t.dec(r, "gid"), List.of()));
        }
        return out;
    }

    public static List<SysvSemaphoreSet> parseSem(String text, long ipcNs) {
        Table t = new Table("sysvipc/sem", text, "key", "semid", "perms", "nsems", "uid", "gid");
        List<SysvSemaphoreSet> out = new ArrayList<>(t.rows.size());
        for (String[] r : t.rows) {
            out.add(new SysvSemaphoreSet(ipcNs, (int) t.dec(r, "key"), (int) t.dec(r, "semid"), t.oct(r, "perms"),
                    (int) t.dec(r, "nsems"), (int) t.dec(r, "uid"), (int) t.dec(r, "gid")));
        }
        return out;
    }

    public static List<SysvMessageQueue> parseMsg(String text, long ipcNs) {
        Table t = new Table("sysvipc/msg", text, "key", "msqid", "perms", "cbytes", "qnum", "lspid", "lrpid", "uid", "gid");
        List<SysvMessageQueue> out = new ArrayList<>(t.rows.size());
        for (String[] r : t.rows) {
            out.add(new SysvMessageQueue(ipcNs, (int) t.dec(r, "key"), (int) t.dec(r, "msqid"), t.oct(r, "perms"),
                    t.dec(r, "cbytes"), t.dec(r, "qnum"), (int) t.dec(r, "lspid"), (int) t.dec(r, "lrpid"),
                    (int) t.dec(r, "uid"), (int) t.dec(r, "gid")));
        }
        return out;
    }

    private static final class Table {
        final String file;
        final Map<String, Integer> col = new HashMap<>();
        final List<String[]> rows = new ArrayList<>();

        Table(String file, String text, String... wanted) {
            this.file = file;
            String[] lines = text.split("\n");
            if (lines.length == 0 || lines[0].isBlank()) throw new ProcFormatException(file, "no header line");
            String[] head = lines[0].trim().split("\\s+");
            for (int i = 0; i < head.length; i++) col.put(head[i], i);
            for (String w : wanted) {
                if (!col.containsKey(w)) throw new ProcFormatException(file, "no column '" + w + "' in the header");
            }
            for (int i = 1; i < lines.length; i++) {
                if (lines[i].isBlank()) continue;
                String[] r = lines[i].trim().split("\\s+");
                if (r.length < head.length) throw new ProcFormatException(file, "line " + (i + 1) + " has " + r.length
                        + " columns, the header " + head.length);
                rows.add(r);
            }
        }

        long dec(String[] r, String name) {
            try {
                return Long.parseLong(r[col.get(name)]);
            } catch (NumberFormatException e) {
                throw new ProcFormatException(file, name + " is not a number: '" + r[col.get(name)] + "'");
            }
        }

        int oct(String[] r, String name) {
            try {
                return Integer.parseInt(r[col.get(name)], 8);
            } catch (NumberFormatException e) {
                throw new ProcFormatException(file, name + " is not octal: '" + r[col.get(name)] + "'");
            }
        }
    }
}
