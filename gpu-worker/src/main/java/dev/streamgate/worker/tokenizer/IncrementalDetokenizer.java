package dev.streamgate.worker.tokenizer;

/**
 * Turns one sequence's generated tokens into text as they come. Byte-level BPE tokens are byte strings, not
 * characters: a token may end in the middle of a UTF-8 character, so its bytes are held back until the character
 * is complete. Special tokens (BOS, EOS, chat markers) produce no text unless asked for.
 *
 * <p>Concatenating every {@link #push} and the final {@link #finish} gives exactly what Hugging Face's
 * {@code tokenizer.decode(ids, skip_special_tokens=...)} gives for the same ids. Not thread-safe: one per sequence.
 */
public final class IncrementalDetokenizer {
    private final TokenVocabulary vocabulary;
    private final boolean skipSpecialTokens;
    private final Utf8StreamDecoder utf8 = new Utf8StreamDecoder();
    private final StringBuilder out = new StringBuilder();

    public IncrementalDetokenizer(TokenVocabulary vocabulary, boolean skipSpecialTokens) {
        this.vocabulary = vocabulary;
        this.skipSpecialTokens = skipSpecialTokens;
    }

    /** Adds a token and returns the text it completes (possibly empty). */
    public String push(int tokenId) {
        if (skipSpecialTokens && vocabulary.isSpecial(tokenId)) {
            return "";
        }
        utf8.decode(vocabulary.bytesOf(tokenId), out);
        return drain();
    }

    /** Ends the sequence: bytes of an unfinished character come out as U+FFFD, as a whole-text decode shows them. */
    public String finish() {
        utf8.finish(out);
        return drain();
    }

    /** Whether bytes of an unfinished character are held back. */
    public boolean holdsPartialCharacter() {
        return utf8.holdsPartialCharacter();
    }

    private String drain() {
        if (out.isEmpty()) {
            return "";
        }
        String text = out.toString();
        out.setLength(0);
        return text;
    }
}
