package io.driftless.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftless.gateway.SessionTokens.InvalidTokenException;
import io.driftless.gateway.SessionTokens.Scope;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class SessionTokensTest {

    private static final Instant NOW = Instant.parse("2026-12-06T08:00:00Z");
    private final TokenKey key = TokenKey.of(new byte[32]);
    private final SessionTokens tokens = new SessionTokens(key, Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void acceptsItsOwnTokenForItsSessionAndScope() throws Exception {
        String camera = tokens.issue("alice", Scope.CAMERA, tokens.expiryFromNow());
        SessionTokens.Grant grant = tokens.verify(camera, Scope.CAMERA, "alice");
        assertThat(grant.sessionId()).isEqualTo("alice");
        assertThat(grant.scope()).isEqualTo(Scope.CAMERA);
        assertThat(grant.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(tokens.verify(camera, EnumSet.allOf(Scope.class), null).scope()).isEqualTo(Scope.CAMERA);
    }

    @Test
    void refusesAViewTokenWhereACameraTokenIsNeeded() {
        String view = tokens.issue("alice", Scope.VIEW, tokens.expiryFromNow());
        assertThatThrownBy(() -> tokens.verify(view, Scope.CAMERA, null)).isInstanceOf(InvalidTokenException.class)
                .hasMessage("a view token cannot be used here: this needs a camera token");
    }

    @Test
    void refusesATokenForAnotherSession() {
        String bob = tokens.issue("bob", Scope.VIEW, tokens.expiryFromNow());
        assertThatThrownBy(() -> tokens.verify(bob, Scope.VIEW, "alice")).hasMessage("the token is for another session");
    }

    @Test
    void refusesAnExpiredToken() {
        String old = tokens.issue("alice", Scope.CAMERA, NOW);
        assertThatThrownBy(() -> tokens.verify(old, Scope.CAMERA, null))
                .hasMessage("the token has expired; create a new session");
    }

    @Test
    void refusesATokenSignedWithAnotherKey() {
        SessionTokens other = new SessionTokens(TokenKey.of(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
            30, 31, 32}), Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC));
        String forged = other.issue("alice", Scope.CAMERA, other.expiryFromNow());
        assertThatThrownBy(() -> tokens.verify(forged, Scope.CAMERA, null))
                .hasMessage("the token's signature does not check out");
    }

    @Test
    void refusesAnUnsignedTokenWhateverItsHeaderSays() {
        String claims = "{\"iss\":\"driftless-web-gateway\",\"sub\":\"alice\",\"scope\":\"camera\",\"exp\":"
                + NOW.plusSeconds(60).getEpochSecond() + "}";
        String none = base64("{\"alg\":\"none\"}") + "." + base64(claims) + ".";
        assertThatThrownBy(() -> tokens.verify(none, Scope.CAMERA, null)).isInstanceOf(InvalidTokenException.class);
        // a valid token with its claims swapped for others keeps a signature that no longer matches
        String real = tokens.issue("bob", Scope.VIEW, tokens.expiryFromNow());
        String[] parts = real.split("\\.");
        String tampered = parts[0] + "." + base64(claims) + "." + parts[2];
        assertThatThrownBy(() -> tokens.verify(tampered, Scope.CAMERA, null))
                .hasMessage("the token's signature does not check out");
    }

    @Test
    void refusesMissingAndMalformedTokens() {
        assertThatThrownBy(() -> tokens.verify(null, Scope.CAMERA, null))
                .hasMessage("no token: pass the session's camera token");
        assertThatThrownBy(() -> tokens.verify("abc", Scope.CAMERA, null)).hasMessage("the token is not a signed JWT");
    }

    @Test
    void neverShowsTheKey() {
        assertThat(key.toString()).isEqualTo("token key from the caller");
        assertThat(TokenKey.random().toString()).isEqualTo("token key from a random key");
        assertThatThrownBy(() -> TokenKey.of(new byte[16]))
                .hasMessageContaining("has 16 bytes; HS256 needs at least 32");
    }

    private static String base64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
