import Foundation

/// A document that travels between stages. Every message is small, versioned JSON (`schema`), and carries a
/// stable `messageID` so that a redelivered copy changes nothing downstream.
public protocol NashraMessage: Codable, Sendable {
    /// The AMQP `type` property of this kind of message, e.g. `nashra.article`.
    static var messageType: String { get }
    /// The newest schema this build writes and reads.
    static var currentSchema: Int { get }
    var schema: Int { get }
    /// Stable identity used as the AMQP `message-id`: equal for every copy of the same work.
    var messageID: String { get }
}

/// Why a message could not be turned into a value: always permanent (it will never decode on retry).
public struct MessageDecodingError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// JSON encoding and decoding of messages, with schema checks. One place for the date format and limits.
public enum MessageCodec {
    /// Messages larger than this are refused on both sides (page bodies are capped well below).
    public static let maximumMessageBytes = 16 * 1024 * 1024

    public static func encode<M: NashraMessage>(_ message: M) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(fractionalISO8601))
        }
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(message)
    }

    /// Decodes a message, refusing empty, oversized, malformed or future-schema documents with a clear reason.
    /// - Throws: `MessageDecodingError` naming what is wrong.
    public static func decode<M: NashraMessage>(_ type: M.Type, from data: Data) throws -> M {
        guard !data.isEmpty else { throw MessageDecodingError("empty body, expected a \(M.messageType) JSON document") }
        guard data.count <= maximumMessageBytes else {
            throw MessageDecodingError("body of \(data.count) bytes exceeds the \(maximumMessageBytes)-byte cap")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? fractionalISO8601.parse(text) { return date }
            if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(text) is not an ISO 8601 date")
        }
        let probe: SchemaProbe
        do {
            probe = try decoder.decode(SchemaProbe.self, from: data)
        } catch {
            throw MessageDecodingError("not a JSON object with a numeric \"schema\": \(Self.describe(error))")
        }
        guard probe.schema >= 1, probe.schema <= M.currentSchema else {
            throw MessageDecodingError(
                "schema \(probe.schema) of \(M.messageType) is not supported (this build reads 1...\(M.currentSchema))"
            )
        }
        do {
            return try decoder.decode(M.self, from: data)
        } catch {
            throw MessageDecodingError("invalid \(M.messageType): \(Self.describe(error))")
        }
    }

    private struct SchemaProbe: Decodable { let schema: Int }

    /// ISO 8601 with milliseconds: pacing and freshness need sub-second times. Plain ISO 8601 is read too.
    private static let fractionalISO8601 = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    private static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            return "missing key \"\(key.stringValue)\"\(path(context))"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?, .dataCorrupted(let context)?:
            return context.debugDescription + path(context)
        default:
            return String(describing: error)
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.isEmpty ? "" : " at " + context.codingPath.map(\.stringValue).joined(separator: ".")
    }
}
