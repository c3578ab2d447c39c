package io.driftless.kafka.internal;

import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.internals.BrokerSecurityConfigs;
import org.apache.kafka.common.security.scram.ScramLoginModule;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The SASL/SCRAM-SHA-512 users of a broker listener: the given ones, plus the broker's own user,
 * with a random password, for the broker's connections to its own listener (inter-broker traffic
 * and the embedded broker's admin client).
 *
 * <p>KRaft keeps SCRAM credentials in the cluster metadata, so they are written when the data
 * directory is formatted, salted and hashed; no password is stored in the clear.
 */
public final class ScramUsers {

    public static final ScramMechanism MECHANISM = ScramMechanism.SCRAM_SHA_512;

    /** User names go into the formatter's comma-separated SCRAM arguments: keep them plain. */
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._@-]+");
    private static final String BROKER_USER = "driftless-embedded-broker";
    private static final int ITERATIONS = 4096;

    private final Map<String, String> users;
    private final String brokerPassword = UUID.randomUUID().toString();

    private ScramUsers(Map<String, String> users) {
        this.users = users;
    }

    /**
     * @param users user name to password
     * @throws IllegalArgumentException if there are no users, a name is not plain, or a password is blank
     */
    public static ScramUsers of(Map<String, String> users) {
        if (users == null || users.isEmpty()) {
            throw new IllegalArgumentException("sasl users must name at least one user and password, got " + users);
        }
        users.forEach((name, password) -> {
            if (name == null || !USER_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("sasl user name " + name
                        + " must be letters, digits and . _ @ - only.");
            }
            if (name.equals(BROKER_USER)) {
                throw new IllegalArgumentException("sasl user name " + BROKER_USER
                        + " is the broker's own; choose another name.");
            }
            if (password == null || password.isBlank()) {
                throw new IllegalArgumentException("sasl password of user " + name + " must not be blank.");
            }
        });
        return new ScramUsers(Map.copyOf(users));
    }

    /** The formatter's {@code --add-scram} arguments for every user, the broker's own included. */
    public List<String> scramArguments() {
        Map<String, String> all = new LinkedHashMap<>(users);
        all.put(BROKER_USER, brokerPassword);
        List<String> arguments = new ArrayList<>();
        all.forEach((name, password) -> arguments.add(scramArgument(name, password)));
        return arguments;
    }

    /** Broker settings that make {@code listener} require SCRAM and let the broker log in to it. */
    public Map<String, String> brokerProperties(String listener) {
        String mechanism = MECHANISM.mechanismName();
        return Map.of(
                BrokerSecurityConfigs.SASL_ENABLED_MECHANISMS_CONFIG, mechanism,
                BrokerSecurityConfigs.SASL_MECHANISM_INTER_BROKER_PROTOCOL_CONFIG, mechanism,
                "listener.name." + listener.toLowerCase(Locale.ROOT) + "." + mechanism.toLowerCase(Locale.ROOT)
                        + "." + SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(BROKER_USER, brokerPassword));
    }

    /** SASL client settings of the broker's own user; the caller sets the security protocol. */
    public Map<String, String> brokerClientProperties() {
        return Map.of(
                SaslConfigs.SASL_MECHANISM, MECHANISM.mechanismName(),
                SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(BROKER_USER, brokerPassword));
    }

    private static String jaasConfig(String user, String password) {
        return ScramLoginModule.class.getName() + " required username=\"" + user + "\" password=\"" + password + "\";";
    }

    /** Salted here, so that any password (commas and quotes included) survives the argument syntax. */
    private static String scramArgument(String name, String password) {
        try {
            ScramFormatter formatter = new ScramFormatter(MECHANISM);
            byte[] salt = new byte[32];
            new SecureRandom().nextBytes(salt);
            byte[] salted = formatter.saltedPassword(password, salt, ITERATIONS);
            Base64.Encoder base64 = Base64.getEncoder();
            return MECHANISM.mechanismName() + "=[name=" + name + ",iterations=" + ITERATIONS
                    + ",salt=" + base64.encodeToString(salt) + ",saltedpassword=" + base64.encodeToString(salted) + "]";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM cannot compute " + MECHANISM.mechanismName() + " credentials", e);
        }
    }
}
