package io.driftless.cluster;

/** A REST call the cluster answered with an error status; {@link #body()} holds Flink's errors. */
public final class ClusterRestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String body;

    ClusterRestException(String call, int status, String body) {
        super(call + " answered " + status + ": " + body);
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }
}
