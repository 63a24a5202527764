import CRabbitMQ
import Foundation

/// A message to publish: persistent, through the default exchange to the queue named by `routingKey`.
public struct OutgoingMessage: Sendable {
    public var routingKey: String
    public var body: Data
    public var messageID: String?
    public var type: String?
    public var headers: [String: QueueArgument]

    public init(
        routingKey: String,
        body: Data,
        messageID: String? = nil,
        type: String? = nil,
        headers: [String: QueueArgument] = [:]
    ) {
        self.routingKey = routingKey
        self.body = body
        self.messageID = messageID
        self.type = type
        self.headers = headers
    }
}

/// A delivery copied out of rabbitmq-c's envelope (whose memory is only valid until it is destroyed).
public struct RawDelivery: Sendable {
    public var deliveryTag: UInt64
    public var redelivered: Bool
    public var routingKey: String
    public var body: Data
    public var messageID: String?
    public var type: String?
    /// String and integer headers; other kinds are left out (`x-death` is read into `death`).
    public var headers: [String: QueueArgument]
    /// The newest entry of `x-death`, which RabbitMQ adds when it dead-letters a message itself (a delivery limit
    /// reached, a length limit, a rejection, an expiry); nil when it never did.
    public var death: Death?

    /// Why and from where RabbitMQ dead-lettered a message, and how many times it did so for that reason there.
    public struct Death: Sendable, Equatable {
        /// `rejected`, `expired`, `maxlen` or `delivery_limit`.
        public var reason: String
        public var queue: String
        public var count: Int64
    }

    /// A delivery made in code: tests of a stage's logic without a broker.
    public init(
        deliveryTag: UInt64 = 0,
        redelivered: Bool = false,
        routingKey: String = "",
        body: Data,
        messageID: String? = nil,
        type: String? = nil,
        headers: [String: QueueArgument] = [:]
    ) {
        self.deliveryTag = deliveryTag
        self.redelivered = redelivered
        self.routingKey = routingKey
        self.body = body
        self.messageID = messageID
        self.type = type
        self.headers = headers
        self.death = nil
    }

    init(envelope: amqp_envelope_t) {
        deliveryTag = envelope.delivery_tag
        redelivered = envelope.redelivered != 0
        routingKey = String(bytes: envelope.routing_key)
        let bodyBytes = envelope.message.body
        body = bodyBytes.len > 0 && bodyBytes.bytes != nil ? Data(bytes: bodyBytes.bytes, count: bodyBytes.len) : Data()
        var properties = envelope.message.properties
        messageID =
            nashra_amqp_has_flag(&properties, NASHRA_AMQP_MESSAGE_ID_FLAG) != 0
            ? String(bytes: properties.message_id) : nil
        type = nashra_amqp_has_flag(&properties, NASHRA_AMQP_TYPE_FLAG) != 0 ? String(bytes: properties.type) : nil
        var headers: [String: QueueArgument] = [:]
        var death: Death?
        if nashra_amqp_has_flag(&properties, NASHRA_AMQP_HEADERS_FLAG) != 0, let entries = properties.headers.entries {
            for index in 0..<Int(properties.headers.num_entries) {
                let entry = entries[index]
                let key = String(bytes: entry.key)
                if key == "x-death" {
                    death = Self.latestDeath(entry.value)
                } else if let value = Self.scalar(entry.value) {
                    headers[key] = value
                }
            }
        }
        self.death = death
        self.headers = headers
    }

    /// A string or integer field value; nil for other kinds.
    static func scalar(_ value: amqp_field_value_t) -> QueueArgument? {
        switch Int32(value.kind) {
        case Int32(AMQP_FIELD_KIND_UTF8.rawValue), Int32(AMQP_FIELD_KIND_BYTES.rawValue):
            return .string(String(bytes: value.value.bytes))
        case Int32(AMQP_FIELD_KIND_I64.rawValue): return .int(value.value.i64)
        case Int32(AMQP_FIELD_KIND_I32.rawValue): return .int(Int64(value.value.i32))
        case Int32(AMQP_FIELD_KIND_U32.rawValue): return .int(Int64(value.value.u32))
        case Int32(AMQP_FIELD_KIND_I16.rawValue): return .int(Int64(value.value.i16))
        case Int32(AMQP_FIELD_KIND_I8.rawValue): return .int(Int64(value.value.i8))
        case Int32(AMQP_FIELD_KIND_U8.rawValue): return .int(Int64(value.value.u8))
        default: return nil
        }
    }

    /// The first table of an `x-death` array (RabbitMQ puts the newest first).
    static func latestDeath(_ value: amqp_field_value_t) -> Death? {
        guard Int32(value.kind) == Int32(AMQP_FIELD_KIND_ARRAY.rawValue), value.value.array.num_entries > 0,
            let first = value.value.array.entries?.pointee,
            Int32(first.kind) == Int32(AMQP_FIELD_KIND_TABLE.rawValue), let entries = first.value.table.entries
        else { return nil }
        var fields: [String: QueueArgument] = [:]
        for index in 0..<Int(first.value.table.num_entries) {
            fields[String(bytes: entries[index].key)] = scalar(entries[index].value)
        }
        guard case .string(let reason)? = fields["reason"] else { return nil }
        var queue = ""
        if case .string(let name)? = fields["queue"] { queue = name }
        var count: Int64 = 1
        if case .int(let number)? = fields["count"] { count = number }
        return Death(reason: reason, queue: queue, count: count)
    }

    /// An integer header, also accepting a decimal string.
    public func intHeader(_ key: String) -> Int64? {
        switch headers[key] {
        case .int(let value)?: return value
        case .string(let text)?: return Int64(text)
        case nil: return nil
        }
    }

    /// A string header.
    public func stringHeader(_ key: String) -> String? {
        switch headers[key] {
        case .string(let value)?: return value
        case .int(let value)?: return String(value)
        case nil: return nil
        }
    }
}
