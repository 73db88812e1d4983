package dev.streamgate.gateway.auth;

import java.util.Locale;

import dev.streamgate.gateway.error.GatewayException;

/**
 * Why a request was refused by authentication or authorization. Raised inside the auth package only: the
 * {@link AuthFilter} counts it by {@link Reason} and turns it into the {@link GatewayException} the caller sees.
 * The message is safe to show to the caller: it never contains a credential.
 */
public final class AuthenticationFailure extends RuntimeException {
    /** The reasons, each with the status and OpenAI-style error code the caller gets. */
    public enum Reason {
        MISSING_CREDENTIALS(401, "missing_api_key"),
        MALFORMED_CREDENTIALS(401, "invalid_api_key"),
        UNKNOWN_API_KEY(401, "invalid_api_key"),
        WRONG_SECRET(401, "invalid_api_key"),
        EXPIRED_API_KEY(401, "invalid_api_key"),
        REVOKED_API_KEY(401, "invalid_api_key"),
        MALFORMED_TOKEN(401, "invalid_token"),
        TOKEN_ALGORITHM(401, "invalid_token"),
        TOKEN_UNKNOWN_KEY(401, "invalid_token"),
        TOKEN_SIGNATURE(401, "invalid_token"),
        TOKEN_EXPIRED(401, "invalid_token"),
        TOKEN_CLAIMS(401, "invalid_token"),
        JWT_NOT_CONFIGURED(401, "invalid_token"),
        UNKNOWN_TENANT(401, "invalid_api_key"),
        TENANT_DISABLED(403, "tenant_disabled"),
        TENANT_REQUIRED(403, "tenant_required"),
        ADMIN_REQUIRED(403, "admin_required");

        private final int status;
        private final String code;

        Reason(int status, String code) {
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }

        /** The value of the {@code reason} tag on {@code streamgate.auth.failures}. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    public AuthenticationFailure(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public GatewayException toGatewayException() {
        return reason.status() == 403
                ? GatewayException.forbidden(reason.code(), getMessage())
                : GatewayException.unauthenticated(reason.code(), getMessage());
    }
}
