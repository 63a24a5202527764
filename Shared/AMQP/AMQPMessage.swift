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
    /// String and integer headers; other kinds (tables such as `x-death`) are left out.
    public var headers: [String: QueueArgument]

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
        if nashra_amqp_has_flag(&properties, NASHRA_AMQP_HEADERS_FLAG) != 0, let entries = properties.headers.entries {
            for index in 0..<Int(properties.headers.num_entries) {
                let entry = entries[index]
                let key = String(bytes: entry.key)
                switch Int32(entry.value.kind) {
                case Int32(AMQP_FIELD_KIND_UTF8.rawValue), Int32(AMQP_FIELD_KIND_BYTES.rawValue):
                    headers[key] = .string(String(bytes: entry.value.value.bytes))
                case Int32(AMQP_FIELD_KIND_I64.rawValue):
                    headers[key] = .int(entry.value.value.i64)
                case Int32(AMQP_FIELD_KIND_I32.rawValue):
                    headers[key] = .int(Int64(entry.value.value.i32))
                case Int32(AMQP_FIELD_KIND_U32.rawValue):
                    headers[key] = .int(Int64(entry.value.value.u32))
                case Int32(AMQP_FIELD_KIND_I16.rawValue):
                    headers[key] = .int(Int64(entry.value.value.i16))
                case Int32(AMQP_FIELD_KIND_I8.rawValue):
                    headers[key] = .int(Int64(entry.value.value.i8))
                case Int32(AMQP_FIELD_KIND_U8.rawValue):
                    headers[key] = .int(Int64(entry.value.value.u8))
                default:
                    continue
                }
            }
        }
        self.headers = headers
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
