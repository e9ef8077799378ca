package org.criuatlas.plan;

/**
 * What CRIU will do with one crossing (or the whole dump) under given options.
 *
 * @param outcome fails / dumps / dumps but breaks at restore / unknown
 * @param error   the error line CRIU prints when it fails, else null
 * @param why     plain words
 */
public record Prediction(Outcome outcome, CriuError error, String why) {
    static Prediction fails(CriuError e, String why) { return new Prediction(Outcome.DUMP_FAILS, e, why); }

    static Prediction dumps(String why) { return new Prediction(Outcome.DUMPS, null, why); }

    static Prediction breaks(String why) { return new Prediction(Outcome.DUMPS_BREAKS_AT_RESTORE, null, why); }

    static Prediction unknown(String why) { return new Prediction(Outcome.UNKNOWN, null, why); }
}
