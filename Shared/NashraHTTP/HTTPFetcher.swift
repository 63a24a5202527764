import CCurl
import Foundation

/// A fetched HTTP response.
public struct FetchResponse: Sendable {
    public var status: Int
    /// Where redirects ended.
    public var finalURL: String
    /// Response headers of the final response, names in lower case.
    public var headers: [String: String]
    /// The body after content decoding (gzip, deflate, br).
    public var body: Data

    public var contentType: String? { headers["content-type"] }
}

/// The request methods the fetcher sends: crawling only GETs; an empty POST is for operators' tools and tests;
/// a POST with a body for WebSub (a subscription request to a hub, a hub's delivery in the tests' hub).
public enum FetchMethod: Sendable, Equatable {
    case get
    case emptyPost
    case post(body: Data, contentType: String)

    /// An `application/x-www-form-urlencoded` POST of `fields`, in order.
    public static func form(_ fields: [(String, String)]) -> FetchMethod {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { name, value in
            (name.addingPercentEncoding(withAllowedCharacters: allowed) ?? "") + "="
                + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        }.joined(separator: "&")
        return .post(body: Data(body.utf8), contentType: "application/x-www-form-urlencoded")
    }
}

/// Why a fetch failed. `isTransient` tells whether trying again later may work.
public struct FetchError: Error, CustomStringConvertible, Sendable {
    public enum Code: Sendable, Equatable {
        case invalidURL
        case blockedAddress
        case tooLarge
        case timeout
        case tooManyRedirects
        case connectionFailed
        case protocolError
    }

    public let code: Code
    public let url: String
    public let message: String

    public init(code: Code, url: String, message: String) {
        self.code = code
        self.url = url
        self.message = message
    }

    public var description: String { "fetching \(url) failed (\(code)): \(message)" }

    public var isTransient: Bool {
        switch code {
        case .timeout, .connectionFailed: return true
        case .invalidURL, .blockedAddress, .tooLarge, .tooManyRedirects, .protocolError: return false
        }
    }
}

/// Fetches URLs with libcurl (an easy handle per transfer, driven by the multi interface): http/https only, at most 5 redirects, connect and total
/// timeouts, all content encodings, a cap counted on decoded bytes, and the connected IP checked against an
/// `AddressPolicy` on every connection, redirects included (`CURLOPT_PREREQFUNCTION`).
///
/// Each call owns its easy handle (created, handed to the engine, and freed inside `fetch`), so the fetcher is
/// `Sendable`.
public struct HTTPFetcher: Sendable {
    public var userAgent: String
    public var maxBodyBytes: Int
    public var connectTimeout: Double
    public var totalTimeout: Double
    public var maxRedirects: Int
    public var addressPolicy: AddressPolicy

    public init(
        userAgent: String,
        maxBodyBytes: Int = 10 * 1024 * 1024,
        connectTimeout: Double = 10,
        totalTimeout: Double = 30,
        maxRedirects: Int = 5,
        addressPolicy: AddressPolicy = .strict
    ) {
        self.userAgent = userAgent
        self.maxBodyBytes = maxBodyBytes
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maxRedirects = maxRedirects
        self.addressPolicy = addressPolicy
        HTTPFetcher.initializeCurl
    }

    private static let initializeCurl: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// Fetches `url`. The transfer runs on the shared libcurl multi engine: one thread drives every transfer of
    /// the process, none blocks a thread of its own or Swift's cooperative pool.
    /// - Parameter headers: extra request headers, e.g. `If-None-Match`.
    /// - Throws: `FetchError`.
    public func fetch(_ url: String, headers: [String: String] = [:], method: FetchMethod = .get)
        async throws(FetchError)
        -> FetchResponse
    {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", components.host?.isEmpty == false
        else { throw FetchError(code: .invalidURL, url: url, message: "only absolute http and https URLs are fetched") }
        guard let handle = curl_easy_init() else {
            throw FetchError(code: .protocolError, url: url, message: "curl_easy_init failed")
        }
        defer { curl_easy_cleanup(handle) }
        let transfer = Transfer(cap: maxBodyBytes, policy: addressPolicy, handle: handle)
        let context = Unmanaged.passRetained(transfer)
        defer { context.release() }

        var list: UnsafeMutablePointer<curl_slist>?
        for (name, value) in headers { list = curl_slist_append(list, "\(name): \(value)") }
        if case .post(_, let contentType) = method { list = curl_slist_append(list, "Content-Type: \(contentType)") }
        defer { curl_slist_free_all(list) }

        _ = nashra_curl_setopt_string(handle, CURLOPT_URL, url)
        _ = nashra_curl_setopt_string(handle, CURLOPT_USERAGENT, userAgent)
        _ = nashra_curl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")
        _ = nashra_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1)
        _ = nashra_curl_setopt_long(handle, CURLOPT_MAXREDIRS, maxRedirects)
        _ = nashra_curl_setopt_long(handle, CURLOPT_PROTOCOLS, NASHRA_CURL_PROTO_HTTP_HTTPS)
        _ = nashra_curl_setopt_long(handle, CURLOPT_REDIR_PROTOCOLS, NASHRA_CURL_PROTO_HTTP_HTTPS)
        _ = nashra_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = nashra_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(connectTimeout * 1000))
        _ = nashra_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(totalTimeout * 1000))
        _ = nashra_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
        switch method {
        case .get: break
        case .emptyPost:
            _ = nashra_curl_setopt_long(handle, CURLOPT_POST, 1)
            _ = nashra_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, 0)
            _ = nashra_curl_setopt_string(handle, CURLOPT_POSTFIELDS, "")
        case .post(let body, _):
            // libcurl copies the bytes (COPYPOSTFIELDS after the size): nothing here must outlive the call.
            _ = nashra_curl_setopt_long(handle, CURLOPT_POST, 1)
            _ = nashra_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
            var bytes = [UInt8](body)
            if bytes.isEmpty { bytes = [0] }  // a NUL for an empty body: the size (0) is what is sent
            bytes.withUnsafeMutableBytes { raw in
                _ = nashra_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, raw.baseAddress)
            }
        }
        _ = nashra_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque())
        _ = nashra_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context.toOpaque())
        _ = nashra_curl_setopt_pointer(handle, CURLOPT_PREREQDATA, context.toOpaque())
        _ = nashra_curl_setopt_write_function(handle) { pointer, size, count, user in
            let transfer = Unmanaged<Transfer>.fromOpaque(user!).takeUnretainedValue()
            let length = size * count
            guard transfer.body.count + length <= transfer.cap else {
                transfer.exceeded = true
                return 0  // aborts the transfer with CURLE_WRITE_ERROR
            }
            if let pointer {
                transfer.body.append(UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: length)
            }
            return length
        }
        _ = nashra_curl_setopt_header_function(handle) { pointer, size, count, user in
            let transfer = Unmanaged<Transfer>.fromOpaque(user!).takeUnretainedValue()
            let length = size * count
            guard let pointer else { return length }
            let line = String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
            transfer.headerLine(line)
            return length
        }
        _ = nashra_curl_setopt_prereq_function(handle) { user, primaryIP, _, _, _ in
            let transfer = Unmanaged<Transfer>.fromOpaque(user!).takeUnretainedValue()
            let ip = primaryIP.map { String(cString: $0) } ?? ""
            var effective: UnsafeMutablePointer<CChar>?
            _ = nashra_curl_getinfo_string(transfer.handle, CURLINFO_EFFECTIVE_URL, &effective)
            let host = effective.flatMap { URLComponents(string: String(cString: $0))?.host }
            if transfer.policy.permits(ip: ip, host: host) { return NASHRA_CURL_PREREQFUNC_OK }
            transfer.blockedIP = ip
            return NASHRA_CURL_PREREQFUNC_ABORT
        }

        let code = await CurlMultiEngine.shared.perform(handle)
        if let ip = transfer.blockedIP {
            throw FetchError(
                code: .blockedAddress,
                url: url,
                message: "refused to connect to \(ip), a private or special-purpose address "
                    + "(allow it with NASHRA_FETCH_ALLOW_PRIVATE)"
            )
        }
        if transfer.exceeded {
            throw FetchError(code: .tooLarge, url: url, message: "body exceeds the \(maxBodyBytes)-byte cap (decoded)")
        }
        guard code == CURLE_OK else {
            let text = String(cString: curl_easy_strerror(code))
            switch code {
            case CURLE_OPERATION_TIMEDOUT: throw FetchError(code: .timeout, url: url, message: text)
            case CURLE_TOO_MANY_REDIRECTS: throw FetchError(code: .tooManyRedirects, url: url, message: text)
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_RECV_ERROR, CURLE_SEND_ERROR,
                CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
                throw FetchError(code: .connectionFailed, url: url, message: text)
            case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
                throw FetchError(code: .invalidURL, url: url, message: text)
            default: throw FetchError(code: .protocolError, url: url, message: text)
            }
        }
        var status = 0
        _ = nashra_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var effective: UnsafeMutablePointer<CChar>?
        _ = nashra_curl_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        return FetchResponse(
            status: status,
            finalURL: effective.map { String(cString: $0) } ?? url,
            headers: transfer.headers,
            body: transfer.body
        )
    }
}

/// State of one transfer, reached from libcurl's callbacks through their user-data pointer.
private final class Transfer {
    let cap: Int
    let policy: AddressPolicy
    let handle: UnsafeMutableRawPointer
    var body = Data()
    var headers: [String: String] = [:]
    var exceeded = false
    var blockedIP: String?

    init(cap: Int, policy: AddressPolicy, handle: UnsafeMutableRawPointer) {
        self.cap = cap
        self.policy = policy
        self.handle = handle
    }

    func headerLine(_ line: String) {
        if line.hasPrefix("HTTP/") {
            headers.removeAll()  // a new response (after a redirect or a 100): keep only the last one's headers
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        headers[name] = value
    }
}
