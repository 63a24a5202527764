import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose next request head has not fully arrived `deadline` after the connection opened or
/// its last response ended. The idle timeout alone does not: a client sending its headers a byte a second
/// (slowloris) is never idle, and would hold its connection, and a file descriptor, for as long as it likes. Like
/// nginx's `client_header_timeout`; a request in progress (its head read, its response not yet ended) is never cut.
final class RequestHeadDeadline: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let deadline: TimeAmount
    private var timer: Scheduled<Void>?
    private var inProgress = 0

    init(deadline: TimeAmount) { self.deadline = deadline }

    func handlerAdded(context: ChannelHandlerContext) { arm(context) }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            inProgress += 1
            timer?.cancel()
            timer = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            inProgress = max(0, inProgress - 1)
            if inProgress == 0 { arm(context) }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        timer?.cancel()
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: deadline) { bound.value.close(promise: nil) }
    }
}

extension ServiceMain {
    /// The HTTP/1 server of every Nashra process: `idleTimeout` seconds without a byte closes a connection, and
    /// with `headDeadline` a request head that takes longer than that to arrive does too (`RequestHeadDeadline`).
    public static func http1(idleTimeout: Int? = nil, headDeadline: Int? = nil) -> HTTPServerBuilder {
        .http1(
            configuration: .init(
                additionalChannelHandlers: headDeadline.map { [RequestHeadDeadline(deadline: .seconds(Int64($0)))] }
                    ?? [],
                idleTimeout: idleTimeout.map { .seconds(Int64($0)) }
            )
        )
    }
}
