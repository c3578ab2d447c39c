package io.driftless.inference.tflite;

import com.google.flatbuffers.Table;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One FlatBuffers table, read by field slot (a field's position in its schema table, counting
 * a union as two slots: its type, then its value). Absent fields read as their schema default.
 */
final class FlatTable extends Table {

    private FlatTable(int position, ByteBuffer buffer) {
        __reset(position, buffer);
    }

    /** The root table of a buffer, checking its 4-character file identifier. */
    static FlatTable root(ByteBuffer buffer, String fileIdentifier) {
        ByteBuffer bb = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (bb.remaining() < 8 || !__has_identifier(bb, fileIdentifier)) {
            throw new IllegalArgumentException("not a FlatBuffer with file identifier '" + fileIdentifier + "'");
        }
        return new FlatTable(bb.getInt(bb.position()) + bb.position(), bb);
    }

    boolean has(int slot) {
        return __offset(vtableOffset(slot)) != 0;
    }

    int intField(int slot, int defaultValue) {
        int o = __offset(vtableOffset(slot));
        return o != 0 ? bb.getInt(o + bb_pos) : defaultValue;
    }

    long longField(int slot, long defaultValue) {
        int o = __offset(vtableOffset(slot));
        return o != 0 ? bb.getLong(o + bb_pos) : defaultValue;
    }

    /** A byte-sized field (enums, bools, union types), read as an unsigned value. */
    int byteField(int slot, int defaultValue) {
        int o = __offset(vtableOffset(slot));
        return o != 0 ? bb.get(o + bb_pos) & 0xFF : defaultValue;
    }

    /** A signed byte-sized field. */
    int signedByteField(int slot, int defaultValue) {
        int o = __offset(vtableOffset(slot));
        return o != 0 ? bb.get(o + bb_pos) : defaultValue;
    }

    String string(int slot) {
        int o = __offset(vtableOffset(slot));
        return o != 0 ? __string(o + bb_pos) : null;
    }

    /** A vector of 32-bit ints; empty when absent. */
    int[] intVector(int slot) {
        int o = __offset(vtableOffset(slot));
        if (o == 0) {
            return new int[0];
        }
        int start = __vector(o);
        int[] values = new int[checkedLength(o, start, Integer.BYTES)];
        for (int i = 0; i < values.length; i++) {
            values[i] = bb.getInt(start + i * Integer.BYTES);
        }
        return values;
    }

    /** A vector of bytes as a little-endian view of the buffer; empty when absent. */
    ByteBuffer byteVector(int slot) {
        int o = __offset(vtableOffset(slot));
        if (o == 0) {
            return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        int start = __vector(o);
        int length = checkedLength(o, start, 1);
        return bb.duplicate().position(start).limit(start + length).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A sub-table, or null when absent. */
    FlatTable table(int slot) {
        int o = __offset(vtableOffset(slot));
        return o != 0 ? new FlatTable(__indirect(o + bb_pos), bb) : null;
    }

    /** A vector of tables; empty when absent. */
    List<FlatTable> tableVector(int slot) {
        int o = __offset(vtableOffset(slot));
        if (o == 0) {
            return List.of();
        }
        int start = __vector(o);
        int length = checkedLength(o, start, Integer.BYTES);
        List<FlatTable> tables = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            tables.add(new FlatTable(__indirect(start + i * Integer.BYTES), bb));
        }
        return tables;
    }

    /** A vector's length, checked to fit the buffer, so a corrupt length cannot allocate gigabytes. */
    private int checkedLength(int fieldOffset, int start, int elementBytes) {
        int length = __vector_len(fieldOffset);
        if (length < 0 || start < 0 || start + (long) length * elementBytes > bb.limit()) {
            throw new IndexOutOfBoundsException("a vector of " + length + " elements at byte " + start
                    + " runs past the end of the buffer (" + bb.limit() + " bytes)");
        }
        return length;
    }

    private static int vtableOffset(int slot) {
        return 4 + 2 * slot;
    }
}
