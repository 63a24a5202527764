import CRabbitMQ
import Foundation

/// One AMQP connection with one channel, over rabbitmq-c. It owns the `amqp_connection_state_t` and frees it in
/// `deinit` and on every failed step of `init`.
///
/// Not `Sendable`: rabbitmq-c forbids using a connection from two threads, so each connection lives on the single
/// thread of its owner (`AMQPConsumer`'s consume thread, `AMQPPublisher`'s serial queue).
public final class AMQPConnection {
    private let state: amqp_connection_state_t
    private let channel: amqp_channel_t = 1
    private var closed = false
    /// The node this connection reached.
    public let url: AMQPURL

    /// Opens a TCP connection, logs in (`amqp_login`) and opens channel 1, on the first of `url.endpoints` that
    /// answers (a cluster's nodes, in order).
    /// - Parameters:
    ///   - heartbeat: seconds between heartbeats; a broker silent for two intervals counts as gone.
    ///   - connectTimeout: seconds allowed for the TCP connect and the login handshake, per node.
    /// - Throws: `AMQPError` `.connectionFailed`, `.loginFailed` or `.closedByBroker` (of the last node tried).
    public init(url: AMQPURL, heartbeat: Int = 30, connectTimeout: Int = 5) throws(AMQPError) {
        var opened: (state: amqp_connection_state_t, endpoint: AMQPURL)?
        var failure = AMQPError(.connectionFailed, "no broker address")
        for endpoint in url.endpoints where opened == nil {
            do {
                opened = (try Self.open(endpoint, heartbeat: heartbeat, connectTimeout: connectTimeout), endpoint)
            } catch {
                failure = error
            }
        }
        guard let opened else { throw failure }
        self.state = opened.state
        self.url = opened.endpoint
    }

    private static func open(_ url: AMQPURL, heartbeat: Int, connectTimeout: Int) throws(AMQPError)
        -> amqp_connection_state_t
    {
        guard let state = amqp_new_connection() else {
            throw AMQPError(.connectionFailed, "amqp_new_connection failed (out of memory)")
        }
        guard let socket = amqp_tcp_socket_new(state) else {
            amqp_destroy_connection(state)
            throw AMQPError(.connectionFailed, "amqp_tcp_socket_new failed")
        }
        var timeout = nashra_timeval(connectTimeout, 0)
        let status = amqp_socket_open_noblock(socket, url.host, Int32(url.port), &timeout)
        guard status == AMQP_STATUS_OK.rawValue else {
            amqp_destroy_connection(state)
            throw AMQPError(
                .connectionFailed,
                "cannot connect to the broker at \(url.host):\(url.port): \(Self.statusText(status)). "
                    + "Is RabbitMQ running? Check NASHRA_AMQP_URL."
            )
        }
        _ = amqp_set_handshake_timeout(state, &timeout)
        let login = nashra_amqp_login_plain(state, url.virtualHost, 131_072, Int32(heartbeat), url.user, url.password)
        if let error = Self.error(from: login, state: state, doing: "login as \(url.user) to vhost \(url.virtualHost)")
        {
            amqp_destroy_connection(state)
            throw AMQPError(error.code == .connectionLost ? .loginFailed : error.code, error.message)
        }
        _ = amqp_channel_open(state, 1)
        if let error = Self.error(from: amqp_get_rpc_reply(state), state: state, doing: "open channel") {
            amqp_destroy_connection(state)
            throw error
        }
        return state
    }

    deinit {
        close()
        amqp_destroy_connection(state)
    }

    /// Closes the channel and the connection politely; unacknowledged deliveries go back to their queues.
    public func close() {
        guard !closed else { return }
        closed = true
        _ = amqp_channel_close(state, channel, Int32(AMQP_REPLY_SUCCESS))
        _ = amqp_connection_close(state, Int32(AMQP_REPLY_SUCCESS))
    }

    // MARK: Topology

    /// Declares a queue (`amqp_queue_declare`); with `passive`, only checks that it exists.
    /// - Returns: the queue's ready message count and consumer count.
    /// - Throws: `AMQPError` `.closedByBroker` (404 when a passive declare finds no queue, 406 when arguments
    ///   differ from an existing queue's). The channel is closed then; make a new connection.
    @discardableResult
    public func declareQueue(
        _ name: String,
        passive: Bool = false,
        durable: Bool = true,
        arguments: [String: QueueArgument] = [:]
    ) throws(AMQPError) -> (messages: Int, consumers: Int) {
        // The name's C string lives for the whole call: amqp_cstring_bytes keeps only its pointer (an implicit
        // String-to-pointer conversion would end with amqp_cstring_bytes, before rabbitmq-c reads it).
        let ok = name.withCString { queueName in
            withTable(arguments) { table in
                amqp_queue_declare(
                    state,
                    channel,
                    amqp_cstring_bytes(queueName),
                    passive ? 1 : 0,
                    durable ? 1 : 0,
                    0,
                    0,
                    table
                )
            }
        }
        if let error = Self.error(from: amqp_get_rpc_reply(state), state: state, doing: "declare queue \(name)") {
            throw error
        }
        guard let ok else { throw AMQPError(.connectionLost, "queue.declare of \(name) returned no answer") }
        return (Int(ok.pointee.message_count), Int(ok.pointee.consumer_count))
    }

    /// Deletes a queue (`amqp_queue_delete`), used by tests to clean up.
    public func deleteQueue(_ name: String) throws(AMQPError) {
        name.withCString { queueName in _ = amqp_queue_delete(state, channel, amqp_cstring_bytes(queueName), 0, 0) }
        if let error = Self.error(from: amqp_get_rpc_reply(state), state: state, doing: "delete queue \(name)") {
            throw error
        }
    }

    // MARK: Publishing

    /// Puts the channel in confirm mode (`amqp_confirm_select`): from now on the broker acks every publish.
    public func enablePublisherConfirms() throws(AMQPError) {
        _ = amqp_confirm_select(state, channel)
        if let error = Self.error(from: amqp_get_rpc_reply(state), state: state, doing: "enable publisher confirms") {
            throw error
        }
    }

    /// Publishes one persistent message through the default exchange (`amqp_basic_publish`).
    public func publish(_ message: OutgoingMessage) throws(AMQPError) {
        let headerKeys = message.headers.keys.sorted()
        var cStrings: [UnsafeMutablePointer<CChar>] = []
        defer { cStrings.forEach { free($0) } }
        func keep(_ s: String) -> UnsafeMutablePointer<CChar> {
            let p = strdup(s)!
            cStrings.append(p)
            return p
        }
        var entries = [amqp_table_entry_t](repeating: amqp_table_entry_t(), count: headerKeys.count)
        for (i, key) in headerKeys.enumerated() {
            switch message.headers[key]! {
            case .string(let value): nashra_amqp_set_string_entry(&entries[i], keep(key), keep(value))
            case .int(let value): nashra_amqp_set_int_entry(&entries[i], keep(key), value)
            }
        }
        let routingKey = keep(message.routingKey)
        let messageID = message.messageID.map(keep)
        let type = message.type.map(keep)
        let status = message.body.withUnsafeBytes { body in
            entries.withUnsafeBufferPointer { headers in
                nashra_amqp_publish(
                    state,
                    channel,
                    "",
                    routingKey,
                    body.baseAddress,
                    body.count,
                    messageID,
                    "application/json",
                    type,
                    UInt64(Date().timeIntervalSince1970),
                    headers.baseAddress,
                    Int32(headers.count)
                )
            }
        }
        guard status == AMQP_STATUS_OK.rawValue else {
            throw AMQPError(.connectionLost, "publish to \(message.routingKey) failed: \(Self.statusText(status))")
        }
    }

    /// Reads frames until the broker has confirmed every publish up to `sequence` (reading `basic.ack` and
    /// `basic.nack`, honouring `multiple`). rabbitmq-c 0.11 has no `amqp_publisher_confirm_wait`.
    /// - Parameters:
    ///   - sequence: the publish sequence number (1-based, counted since `enablePublisherConfirms`).
    ///   - tracker: confirm state kept across calls.
    /// - Throws: `.nacked` if any message up to `sequence` was nacked, `.confirmTimeout`, `.closedByBroker`.
    public func waitForConfirms(through sequence: UInt64, tracker: inout ConfirmTracker, timeout: Double = 30)
        throws(AMQPError)
    {
        let deadline = Date().addingTimeInterval(timeout)
        while tracker.confirmedThrough < sequence {
            if let nacked = tracker.firstNack, nacked <= sequence {
                tracker.firstNack = nil
                throw AMQPError(.nacked, "the broker refused message \(nacked) of a confirmed batch")
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else {
                throw AMQPError(.confirmTimeout, "no publisher confirm for message \(sequence) within \(timeout) s")
            }
            guard let frame = try waitFrame(timeoutSeconds: min(remaining, 1)) else { continue }
            guard frame.frame_type == UInt8(AMQP_FRAME_METHOD) else { continue }
            let method = frame.payload.method
            if method.id == NASHRA_AMQP_BASIC_ACK {
                let ack = method.decoded.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
                tracker.record(tag: ack.delivery_tag, multiple: ack.multiple != 0, nack: false)
            } else if method.id == NASHRA_AMQP_BASIC_NACK {
                let nack = method.decoded.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
                tracker.record(tag: nack.delivery_tag, multiple: nack.multiple != 0, nack: true)
            } else if method.id == NASHRA_AMQP_CHANNEL_CLOSE || method.id == NASHRA_AMQP_CONNECTION_CLOSE {
                throw Self.closeError(method, doing: "wait for publisher confirms")
            }
        }
        if let nacked = tracker.firstNack, nacked <= sequence {
            tracker.firstNack = nil
            throw AMQPError(.nacked, "the broker refused message \(nacked) of a confirmed batch")
        }
    }

    /// Services the connection without blocking: sends a heartbeat when one is due and notices a dead broker.
    public func serviceHeartbeat() throws(AMQPError) {
        while let frame = try waitFrame(timeoutSeconds: 0) {
            if frame.frame_type == UInt8(AMQP_FRAME_METHOD),
                frame.payload.method.id == NASHRA_AMQP_CHANNEL_CLOSE
                    || frame.payload.method.id == NASHRA_AMQP_CONNECTION_CLOSE
            {
                throw Self.closeError(frame.payload.method, doing: "idle")
            }
        }
    }

    private func waitFrame(timeoutSeconds: Double) throws(AMQPError) -> amqp_frame_t? {
        amqp_maybe_release_buffers(state)
        var frame = amqp_frame_t()
        let whole = Int(timeoutSeconds)
        var timeout = nashra_timeval(whole, Int((timeoutSeconds - Double(whole)) * 1_000_000))
        let status = amqp_simple_wait_frame_noblock(state, &frame, &timeout)
        if status == AMQP_STATUS_TIMEOUT.rawValue { return nil }
        guard status == AMQP_STATUS_OK.rawValue else {
            throw AMQPError(.connectionLost, "connection to \(url.host):\(url.port) lost: \(Self.statusText(status))")
        }
        return frame
    }

    // MARK: Consuming

    /// Limits unacknowledged deliveries on this channel (`amqp_basic_qos`).
    public func setPrefetch(_ count: Int) throws(AMQPError) {
        _ = amqp_basic_qos(state, channel, 0, UInt16(clamping: count), 0)
        if let error = Self.error(from: amqp_get_rpc_reply(state), state: state, doing: "set prefetch \(count)") {
            throw error
        }
    }

    /// Starts consuming a queue with manual acks (`amqp_basic_consume`) under `consumerTag`, which
    /// `cancel(consumerTag:)` names.
    public func consume(queue: String, consumerTag: String) throws(AMQPError) {
        queue.withCString { queueName in
            consumerTag.withCString { tag in
                _ = amqp_basic_consume(
                    state,
                    channel,
                    amqp_cstring_bytes(queueName),
                    amqp_cstring_bytes(tag),
                    0,
                    0,
                    0,
                    nashra_amqp_empty_table()
                )
            }
        }
        if let error = Self.error(from: amqp_get_rpc_reply(state), state: state, doing: "consume \(queue)") {
            throw error
        }
    }

    /// Stops a consumer (`amqp_basic_cancel`): once this returns, the broker sends it nothing more, and what it
    /// sent before is already read (rabbitmq-c queues the deliveries that arrive while it waits for `cancel-ok`),
    /// for `nextDelivery` to return.
    public func cancel(consumerTag: String) throws(AMQPError) {
        consumerTag.withCString { tag in _ = amqp_basic_cancel(state, channel, amqp_cstring_bytes(tag)) }
        if let error = Self.error(from: amqp_get_rpc_reply(state), state: state, doing: "cancel \(consumerTag)") {
            throw error
        }
    }

    /// The socket, for `poll(2)` by the consume loop.
    public var socketDescriptor: Int32 { amqp_get_sockfd(state) }

    /// Whether rabbitmq-c already holds received bytes or frames that `poll(2)` on the socket would not show.
    public var hasBufferedInput: Bool { amqp_frames_enqueued(state) != 0 || amqp_data_in_buffer(state) != 0 }

    /// Returns the next delivery if one arrives within `timeoutSeconds` (`amqp_consume_message`); the body and
    /// headers are copied out before the envelope is destroyed. Also sends heartbeats when due.
    /// - Throws: `.connectionLost` or `.closedByBroker`.
    public func nextDelivery(timeoutSeconds: Double) throws(AMQPError) -> RawDelivery? {
        amqp_maybe_release_buffers(state)
        var envelope = amqp_envelope_t()
        let whole = Int(timeoutSeconds)
        var timeout = nashra_timeval(whole, Int((timeoutSeconds - Double(whole)) * 1_000_000))
        let reply = amqp_consume_message(state, &envelope, &timeout, 0)
        if reply.reply_type == AMQP_RESPONSE_NORMAL {
            defer { amqp_destroy_envelope(&envelope) }
            return RawDelivery(envelope: envelope)
        }
        if reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION {
            if reply.library_error == AMQP_STATUS_TIMEOUT.rawValue { return nil }
            if reply.library_error == AMQP_STATUS_UNEXPECTED_STATE.rawValue {
                // A frame other than basic.deliver: read it; a close means the channel is gone.
                if let frame = try waitFrame(timeoutSeconds: 0), frame.frame_type == UInt8(AMQP_FRAME_METHOD),
                    frame.payload.method.id == NASHRA_AMQP_CHANNEL_CLOSE
                        || frame.payload.method.id == NASHRA_AMQP_CONNECTION_CLOSE
                {
                    throw Self.closeError(frame.payload.method, doing: "consume")
                }
                return nil
            }
        }
        throw Self.error(from: reply, state: state, doing: "consume")
            ?? AMQPError(.connectionLost, "consume failed with an unknown reply")
    }

    /// Acknowledges a delivery (`amqp_basic_ack`).
    public func ack(deliveryTag: UInt64, multiple: Bool = false) throws(AMQPError) {
        let status = amqp_basic_ack(state, channel, deliveryTag, multiple ? 1 : 0)
        guard status == AMQP_STATUS_OK.rawValue else {
            throw AMQPError(.connectionLost, "ack of delivery \(deliveryTag) failed: \(Self.statusText(status))")
        }
    }

    /// Returns a delivery to its queue, or dead-letters it when `requeue` is false (`amqp_basic_reject`).
    public func reject(deliveryTag: UInt64, requeue: Bool) throws(AMQPError) {
        let status = amqp_basic_reject(state, channel, deliveryTag, requeue ? 1 : 0)
        guard status == AMQP_STATUS_OK.rawValue else {
            throw AMQPError(.connectionLost, "reject of delivery \(deliveryTag) failed: \(Self.statusText(status))")
        }
    }

    // MARK: Errors

    static func statusText(_ status: Int32) -> String {
        String(cString: amqp_error_string2(status))
    }

    private static func error(from reply: amqp_rpc_reply_t, state: amqp_connection_state_t, doing what: String)
        -> AMQPError?
    {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return nil
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            return closeError(reply.reply, doing: what)
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            return AMQPError(.connectionLost, "\(what) failed: \(statusText(reply.library_error))")
        default:
            return AMQPError(.connectionLost, "\(what) failed: no reply from the broker")
        }
    }

    private static func closeError(_ method: amqp_method_t, doing what: String) -> AMQPError {
        if method.id == NASHRA_AMQP_CONNECTION_CLOSE {
            let close = method.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            let text = String(bytes: close.reply_text)
            let code = Int(close.reply_code)
            return AMQPError(
                code == 403 ? .loginFailed : .closedByBroker,
                "\(what): broker closed the connection: \(code) \(text)",
                replyCode: code
            )
        }
        if method.id == NASHRA_AMQP_CHANNEL_CLOSE {
            let close = method.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            let text = String(bytes: close.reply_text)
            return AMQPError(
                .closedByBroker,
                "\(what): broker closed the channel: \(close.reply_code) \(text)",
                replyCode: Int(close.reply_code)
            )
        }
        return AMQPError(.closedByBroker, "\(what): unexpected method 0x\(String(method.id, radix: 16))")
    }

    private func withTable<R>(_ arguments: [String: QueueArgument], _ body: (amqp_table_t) -> R) -> R {
        let keys = arguments.keys.sorted()
        var cStrings: [UnsafeMutablePointer<CChar>] = []
        defer { cStrings.forEach { free($0) } }
        var entries = [amqp_table_entry_t](repeating: amqp_table_entry_t(), count: keys.count)
        for (i, key) in keys.enumerated() {
            let k = strdup(key)!
            cStrings.append(k)
            switch arguments[key]! {
            case .string(let value):
                let v = strdup(value)!
                cStrings.append(v)
                nashra_amqp_set_string_entry(&entries[i], k, v)
            case .int(let value):
                nashra_amqp_set_int_entry(&entries[i], k, value)
            }
        }
        return entries.withUnsafeMutableBufferPointer { buffer in
            var table = nashra_amqp_empty_table()
            table.num_entries = Int32(buffer.count)
            table.entries = buffer.baseAddress
            return body(table)
        }
    }
}

/// A value in a queue's arguments or a message's headers.
public enum QueueArgument: Sendable, Hashable {
    case string(String)
    case int(Int64)
}

/// Publisher-confirm bookkeeping: the highest sequence number confirmed with all those before it.
public struct ConfirmTracker: Sendable {
    public private(set) var confirmedThrough: UInt64 = 0
    var firstNack: UInt64?
    private var singles: Set<UInt64> = []

    public init() {}

    mutating func record(tag: UInt64, multiple: Bool, nack: Bool) {
        if nack { firstNack = min(firstNack ?? tag, multiple ? confirmedThrough + 1 : tag) }
        if multiple {
            confirmedThrough = max(confirmedThrough, tag)
        } else {
            singles.insert(tag)
        }
        while singles.remove(confirmedThrough + 1) != nil { confirmedThrough += 1 }
        singles = singles.filter { $0 > confirmedThrough }
    }
}

extension String {
    init(bytes: amqp_bytes_t) {
        guard let pointer = bytes.bytes, bytes.len > 0 else {
            self = ""
            return
        }
        self = String(decoding: UnsafeRawBufferPointer(start: pointer, count: bytes.len), as: UTF8.self)
    }
}
