import Hummingbird
import NIOCore
import Store

/// The reader site's request context: Hummingbird's core storage plus the client's address, which identifies a
/// reader (hashed, never stored in clear) for image reports.
public struct ReaderContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
