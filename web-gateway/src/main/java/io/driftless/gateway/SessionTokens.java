package io.driftless.gateway;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Signs and checks session tokens: HS256 JWTs whose subject is the session id and whose
 * {@code scope} claim says what the bearer may do with it ({@link Scope#CAMERA} streams,
 * {@link Scope#VIEW} only watches). Stateless, so any instance with the same key accepts them.
 */
public final class SessionTokens {

    static final String ISSUER = "driftless-web-gateway";
    static final String SCOPE_CLAIM = "scope";

    /** What a token lets its bearer do. */
    public enum Scope {
        CAMERA("camera"),
        VIEW("view");

        final String claim;

        Scope(String claim) {
            this.claim = claim;
        }
    }

    /** A token that checked out. */
    public record Grant(String sessionId, Scope scope, Instant expiresAt) {}

    /** Why a token was refused; the message is safe to show and to log (it never holds the token). */
    public static final class InvalidTokenException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidTokenException(String message) {
            super(message);
        }
    }

    private final MACSigner signer;
    private final MACVerifier verifier;
    private final Duration lifetime;
    private final Clock clock;

    public SessionTokens(TokenKey key, Duration lifetime, Clock clock) {
        try {
            this.signer = new MACSigner(key.bytes());
            this.verifier = new MACVerifier(key.bytes());
        } catch (JOSEException e) {
            throw new IllegalArgumentException(key + " cannot sign HS256: " + e.getMessage(), e);
        }
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** When a token issued now expires. */
    public Instant expiryFromNow() {
        return clock.instant().plus(lifetime).truncatedTo(ChronoUnit.SECONDS);
    }

    public String issue(String sessionId, Scope scope, Instant expiresAt) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(sessionId)
                .claim(SCOPE_CLAIM, scope.claim)
                .issueTime(Date.from(clock.instant()))
                .expirationTime(Date.from(expiresAt))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a session token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /**
     * Checks signature, issuer, expiry and scope.
     *
     * @param sessionId the session the bearer asks for, or null when the token alone names it
     */
    public Grant verify(String token, Scope required, String sessionId) throws InvalidTokenException {
        return verify(token, EnumSet.of(required), sessionId);
    }

    /** Like {@link #verify(String, Scope, String)}, taking a token of any of {@code accepted} scopes. */
    public Grant verify(String token, Set<Scope> accepted, String sessionId) throws InvalidTokenException {
        String needed = accepted.stream().map(s -> s.claim).collect(Collectors.joining(" or "));
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException("no token: pass the session's " + needed + " token");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidTokenException("the token is not a signed JWT");
        }
        try {
            // the algorithm is ours to choose, never the token's: this stops "alg: none" and key confusion
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                throw new InvalidTokenException("the token's signature does not check out");
            }
        } catch (JOSEException e) {
            throw new InvalidTokenException("the token's signature does not check out");
        }
        if (!ISSUER.equals(claims.getIssuer())) {
            throw new InvalidTokenException("the token was not issued by a driftless gateway");
        }
        Date expiry = claims.getExpirationTime();
        if (expiry == null || !clock.instant().isBefore(expiry.toInstant())) {
            throw new InvalidTokenException("the token has expired; create a new session");
        }
        Object claim = claims.getClaim(SCOPE_CLAIM);
        Scope granted = null;
        for (Scope scope : Scope.values()) {
            if (scope.claim.equals(claim)) {
                granted = scope;
            }
        }
        if (granted == null || !accepted.contains(granted)) {
            throw new InvalidTokenException("a " + claim + " token cannot be used here: this needs a " + needed
                    + " token");
        }
        String subject = claims.getSubject();
        if (subject == null || subject.isEmpty()) {
            throw new InvalidTokenException("the token names no session");
        }
        if (sessionId != null && !sessionId.equals(subject)) {
            throw new InvalidTokenException("the token is for another session");
        }
        return new Grant(subject, granted, expiry.toInstant());
    }
}
