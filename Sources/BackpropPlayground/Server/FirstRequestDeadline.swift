#if Playground
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// A server child channel that closes a connection to which nothing has been answered within
/// `timeout` of its opening: a request whose head never parses (a 100 KB request line, garbage
/// bytes) held its connection for good, because Hummingbird watches a connection's idleness only
/// once a head has parsed. The first byte the server writes (a page, an error, the WebSocket's
/// `101 Switching Protocols`) lifts the deadline; after that the HTTP idle timeout, or nothing for
/// a WebSocket, applies.
struct FirstRequestDeadline<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value
    let inner: Inner
    let timeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(DeadlineHandler(timeout: timeout), position: .first)
        }.flatMap { inner.setup(channel: channel, logger: logger) }
    }

    func handle(value: Value, logger: Logger) async { await inner.handle(value: value, logger: logger) }

    /// Closes the channel `timeout` after it became active, unless something was written first.
    final class DeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundIn = ByteBuffer
        let timeout: TimeAmount
        private var deadline: Scheduled<Void>? = nil
        private var answered = false

        init(timeout: TimeAmount) { self.timeout = timeout }

        func handlerAdded(context: ChannelHandlerContext) {
            if context.channel.isActive { start(context) }
        }

        func channelActive(context: ChannelHandlerContext) {
            start(context)
            context.fireChannelActive()
        }

        func handlerRemoved(context: ChannelHandlerContext) { deadline?.cancel() }

        func channelInactive(context: ChannelHandlerContext) {
            deadline?.cancel()
            context.fireChannelInactive()
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if !answered {                                   // the first answer: the deadline is lifted
                answered = true
                deadline?.cancel()
            }
            context.write(data, promise: promise)
        }

        private func start(_ context: ChannelHandlerContext) {
            guard deadline == nil, !answered else { return }
            let channel = context.channel
            deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        }
    }
}
#endif
