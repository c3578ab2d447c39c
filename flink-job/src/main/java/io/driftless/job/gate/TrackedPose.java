package io.driftless.job.gate;

import io.driftless.inference.pose.HeadPose;

/**
 * What {@link RenderState#track} makes of one measured pose.
 *
 * @param drawn the pose the anchors are projected from
 * @param rates yaw, pitch, roll in °/s and x, y, z in m/s, or null while the motion state does not
 *     know them
 */
public record TrackedPose(HeadPose drawn, double[] rates) {}
