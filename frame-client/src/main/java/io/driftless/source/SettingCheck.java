package io.driftless.source;

import java.util.Locale;

/**
 * The check every settings class of the clients and the benchmark makes as it is built: a
 * setting out of its range fails at once, with a message that names it.
 *
 * <pre>{@code
 * SettingCheck.require(fps > 0, "fps must be positive, got %d", fps);
 * }</pre>
 */
public final class SettingCheck {

    private SettingCheck() {}

    /** Throws {@link IllegalArgumentException} with the formatted message unless {@code ok}. */
    public static void require(boolean ok, String format, Object... args) {
        if (!ok) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, format, args));
        }
    }
}
