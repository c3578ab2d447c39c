package io.driftless.job.record;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/** The side output every stage sends its drops to. */
public final class Drops {

    public static final OutputTag<FrameDrop> TAG = new OutputTag<>("dropped", TypeInformation.of(FrameDrop.class));

    private Drops() {}
}
