package dev.streamgate.worker.template;

/**
 * The template refused the conversation ({@code raise_exception(...)} in the template, e.g. "roles must alternate")
 * or could not render it. The message is the template's own, fit to show to the caller.
 */
public final class ChatTemplateException extends RuntimeException {
    public ChatTemplateException(String message) {
        super(message, null, false, false);
    }
}
