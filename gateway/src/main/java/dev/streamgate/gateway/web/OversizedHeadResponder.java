package dev.streamgate.gateway.web;

import dev.streamgate.gateway.error.ErrorBodies;
import dev.streamgate.gateway.error.GatewayException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a request whose head the HTTP decoder refused for its size with OpenAI error JSON: 431
 * {@code request_header_fields_too_large} (RFC 6585 §5) for an oversized header section, 414
 * {@code uri_too_long} (RFC 9110 §15.5.15) for an oversized request line. Such a request never reaches Spring
 * (Reactor Netty would answer it with an empty body), so this sits in the Netty pipeline right after the codec.
 * The connection is closed after the answer: the decoder discards the rest of a refused message, so the
 * connection cannot carry another request.
 */
@ChannelHandler.Sharable
final class OversizedHeadResponder extends ChannelInboundHandlerAdapter {
    static final String NAME = "streamgate.oversizedHeadResponder";
    private static final Logger log = LoggerFactory.getLogger(OversizedHeadResponder.class);

    private final ErrorBodies bodies;

    OversizedHeadResponder(ErrorBodies bodies) {
        this.bodies = bodies;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpRequest request) || !request.decoderResult().isFailure()) {
            ctx.fireChannelRead(msg);
            return;
        }
        Throwable cause = request.decoderResult().cause();
        GatewayException error;
        if (cause instanceof TooLongHttpHeaderException) {
            error = GatewayException.headerFieldsTooLarge("The request's headers are larger than this server "
                    + "accepts; send fewer or shorter headers.");
        } else if (cause instanceof TooLongHttpLineException) {
            error = GatewayException.uriTooLong("The request line is longer than this server accepts; send a "
                    + "shorter URL.");
        } else {
            // any other malformed head: Reactor Netty's own handling (a 400) stays in charge
            ctx.fireChannelRead(msg);
            return;
        }
        ReferenceCountUtil.release(msg);
        log.debug("Refused a request head: {}", error.code());
        byte[] body = bodies.toJson(error);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(error.status()), Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
