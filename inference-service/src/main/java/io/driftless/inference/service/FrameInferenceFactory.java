package io.driftless.inference.service;

import io.driftless.inference.MicroClock;
import java.io.Serializable;

/** Creates a {@link FrameInference} where the job runs; shipped with the job graph. */
public interface FrameInferenceFactory extends Serializable {

    /**
     * Identifies what {@link #create} builds: factories with equal keys share one instance per
     * TaskManager (see {@link SharedInference}).
     */
    String key();

    FrameInference create(MicroClock clock) throws Exception;
}
