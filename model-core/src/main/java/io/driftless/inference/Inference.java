package io.driftless.inference;

/**
 * The outcome of one inference request.
 *
 * @param status how it ended
 * @param result the model's result when {@code status} is OK, else null
 * @param detail why it did not succeed, for humans; null when OK
 * @param startMicros when its batch started running (0 if it never ran), job clock
 * @param endMicros when its batch finished (0 if it never ran), job clock
 * @param batchSize how many requests ran in the same model call (0 if it never ran)
 */
public record Inference<O>(
        InferenceStatus status, O result, String detail, long startMicros, long endMicros, int batchSize) {

    public static <O> Inference<O> ok(O result, long startMicros, long endMicros, int batchSize) {
        return new Inference<>(InferenceStatus.OK, result, null, startMicros, endMicros, batchSize);
    }

    public static <O> Inference<O> notRun(InferenceStatus status, String detail) {
        return new Inference<>(status, null, detail, 0, 0, 0);
    }

    public boolean isOk() {
        return status == InferenceStatus.OK;
    }
}
