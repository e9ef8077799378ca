package org.criuatlas.bridge.images;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;

/**
 * The three fields of a {@code core-PID.img} entry the graph shows (core_entry.tc: task_state,
 * exit_code, comm), decoded by hand: core entries are mostly CPU registers and signal tables, and
 * keeping them as unknown fields made core parsing the slowest part of reading a dump.
 *
 * @param hasTc     whether the entry has a task_core_entry (only the main thread's does)
 * @param taskState 1 alive, 2 dead (zombie), 3 stopped; 0 when absent
 * @param exitCode  exit code (zombies)
 * @param comm      the command name
 */
public record CoreSummary(boolean hasTc, int taskState, int exitCode, String comm) {
    static final int CORE_TC = 3, TC_TASK_STATE = 1, TC_EXIT_CODE = 2, TC_COMM = 6;

    public static CoreSummary decode(byte[] buf, int off, int len) throws InvalidProtocolBufferException {
        try {
            return decodeCore(buf, off, len);
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (java.io.IOException e) {
            throw new InvalidProtocolBufferException(e.getMessage());
        }
    }

    private static CoreSummary decodeCore(byte[] buf, int off, int len) throws java.io.IOException {
        CodedInputStream in = CodedInputStream.newInstance(buf, off, len);
        CoreSummary found = new CoreSummary(false, 0, 0, "");
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (WireFormat.getTagFieldNumber(tag) == CORE_TC && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int n = in.readRawVarint32();
                if (n < 0 || n > len) throw new InvalidProtocolBufferException("task_core_entry length " + n + " out of range");
                int start = off + in.getTotalBytesRead();
                found = decodeTc(buf, start, n);
                in.skipRawBytes(n);
            } else if (!in.skipField(tag)) {
                break; // an end-group tag at top level
            }
        }
        return found;
    }

    private static CoreSummary decodeTc(byte[] buf, int off, int len) throws java.io.IOException {
        CodedInputStream in = CodedInputStream.newInstance(buf, off, len);
        int state = 0, exit = 0;
        String comm = "";
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag), wt = WireFormat.getTagWireType(tag);
            if (field == TC_TASK_STATE && wt == WireFormat.WIRETYPE_VARINT) state = in.readUInt32();
            else if (field == TC_EXIT_CODE && wt == WireFormat.WIRETYPE_VARINT) exit = in.readUInt32();
            else if (field == TC_COMM && wt == WireFormat.WIRETYPE_LENGTH_DELIMITED) comm = in.readString();
            else if (!in.skipField(tag)) break;
        }
        return new CoreSummary(true, state, exit, comm);
    }
}
