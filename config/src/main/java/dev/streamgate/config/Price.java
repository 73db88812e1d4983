package dev.streamgate.config;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * What a deployment charges, in the billing currency per one million tokens, as providers publish it.
 * Costs are computed with 10 decimal places so that single-token requests are not rounded to zero.
 */
public record Price(BigDecimal inputPerMillion, BigDecimal outputPerMillion) {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    public static final Price FREE = new Price(BigDecimal.ZERO, BigDecimal.ZERO);

    public Price {
        if (inputPerMillion == null || inputPerMillion.signum() < 0) {
            throw new ConfigException("price.inputPerMillion must be zero or more");
        }
        if (outputPerMillion == null || outputPerMillion.signum() < 0) {
            throw new ConfigException("price.outputPerMillion must be zero or more");
        }
    }

    public BigDecimal cost(long promptTokens, long completionTokens) {
        return inputPerMillion.multiply(BigDecimal.valueOf(promptTokens))
                .add(outputPerMillion.multiply(BigDecimal.valueOf(completionTokens)))
                .divide(MILLION, 10, RoundingMode.HALF_UP);
    }
}
