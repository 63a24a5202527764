import FetchFrontier
import Fetcher
import Foundation
import TestSupport
import Testing

/// WebSub's pure parts: finding the hub, checking signatures, the subscriptions' life in the frontier's state.
@Suite("WebSub: discovery, signatures, subscriptions") struct WebSubUnitTests {
    @Test("the hub and self links in RSS (atom:link), Atom, and an HTTP Link header")
    func discovery() throws {
        let rss = """
            <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>أخبار</title>
            <atom:link rel="hub" href="https://pubsubhubbub.appspot.com/"/>
            <atom:link rel="self" href="/rss.xml" type="application/rss+xml"/>
            <item><title>خبر</title><link>https://news.example/1</link></item></channel></rss>
            """
        let document = try FeedParser.parse(Data(rss.utf8), feedURL: "https://news.example/feeds/rss.xml")
        #expect(document.hub == "https://pubsubhubbub.appspot.com/")
        #expect(document.selfURL == "https://news.example/rss.xml")
        let atom = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>أخبار</title><link rel="hub" href="https://hub.example/"/>
            <entry><title>خبر</title><link href="https://news.example/2"/><link rel="hub" href="https://other/"/></entry></feed>
            """
        #expect(
            try FeedParser.parse(Data(atom.utf8), feedURL: "https://news.example/atom").hub == "https://hub.example/"
        )
        let links = WebSubLinks(
            header: "<https://hub.example/>; rel=\"hub\", </feed.xml>; rel=\"self\", <https://x/>; rel=\"alternate\"",
            base: "https://news.example/a/b"
        )
        #expect(
            links
                == WebSubLinks(
                    header: "<https://hub.example/>; rel=hub, </feed.xml>; rel=self",
                    base: "https://news.example/"
                )
        )
        #expect(links.hub == "https://hub.example/" && links.selfURL == "https://news.example/feed.xml")
        #expect(WebSubLinks(header: nil, base: "https://x/").hub == nil)
    }

    @Test("signatures: sha1, sha256, sha384 and sha512 accepted when right; wrong, missing or unknown refused")
    func signatures() {
        let body = Data("<feed>خبر</feed>".utf8)
        // HMACs of the body with the secret «سر», computed by another implementation (Python's hmac module).
        let good = [
            "sha1=c0b4a69b8e191ea35c2ed77720edafb3bafc6d80",
            "sha256=76f21096853ac174da84b669cb1bfa2b7cf75d4641036a0dcfffff6bc93c4feb",
            "sha384=4a936ccbc39434f0ad485c08ef4c3655fb3c483cbb9c64aa7b59eb203d8bcbe1ce9a0d373e4990ba82dc493b8bf2066b",
            "sha512=f4bf4da14b2aedde5762138dbfdee443b4556ebc2789b07cee140e2e4a58111095f4a883e5b3c69e3ff636bba2adb573"
                + "84a3f1180df0d0d979c66afef684f231",
        ]
        for header in good { #expect(WebSubSignature.verify(header, body: body, secret: "سر"), "\(header)") }
        #expect(
            WebSubSignature.verify(
                good[1].uppercased().replacingOccurrences(of: "SHA256", with: "sha256"),
                body: body,
                secret: "سر"
            )
        )
        #expect(!WebSubSignature.verify(good[1], body: body + Data("x".utf8), secret: "سر"))
        #expect(!WebSubSignature.verify(good[1], body: body, secret: "secret"))
        #expect(!WebSubSignature.verify(nil, body: body, secret: "سر"))
        #expect(!WebSubSignature.verify("md5=abc", body: body, secret: "سر"))
        #expect(!WebSubSignature.verify("sha256=", body: body, secret: "سر"))
    }

    @Test("subscriptions: wanted, requested, verified, renewed before the end, retried after failures")
    func lifecycle() throws {
        let state = try FrontierState(directory: try TestEnvironment.temporaryDirectory())
        let feed = "https://news.example/rss"
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try state.want(feed: feed, sourceID: "news", hub: "https://hub.example/", topic: feed))
        #expect(!(try state.want(feed: feed, sourceID: "news", hub: "https://hub.example/", topic: feed)), "same hub")
        #expect(try state.dueSubscriptions(at: t0).map(\.state) == [.wanted])
        try state.requested(feed: feed, at: t0, error: nil)
        #expect(try state.dueSubscriptions(at: t0.addingTimeInterval(60)).isEmpty, "waiting for the hub's verification")
        #expect(try state.dueSubscriptions(at: t0.addingTimeInterval(601)).count == 1, "unverified: asked again")
        let subscription = try #require(try state.subscriptions().first)
        #expect(subscription.callbackID.count == 32 && subscription.secret.count == 64)
        try state.verified(callbackID: subscription.callbackID, lease: 86_400, at: t0)
        #expect(try state.pushedFeeds(at: t0.addingTimeInterval(10)) == [feed])
        #expect(try state.dueSubscriptions(at: t0.addingTimeInterval(80_000)).isEmpty)
        #expect(try state.dueSubscriptions(at: t0.addingTimeInterval(83_000)).count == 1, "an hour left: renewed")
        #expect(try state.pushedFeeds(at: t0.addingTimeInterval(86_401)).isEmpty, "a lease that ended pushes nothing")
        // A failing hub is retried with a back-off that grows.
        try state.requested(feed: feed, at: t0.addingTimeInterval(83_000), error: "HTTP 500")
        try state.requested(feed: feed, at: t0.addingTimeInterval(83_000), error: "HTTP 500")
        #expect(try state.subscriptions().first?.failures == 2)
        // A new hub replaces the subscription: a fresh callback and secret.
        #expect(try state.want(feed: feed, sourceID: "news", hub: "https://hub2.example/", topic: feed))
        let replaced = try #require(try state.subscriptions().first)
        #expect(replaced.state == .wanted && replaced.callbackID != subscription.callbackID)
        try state.requested(feed: feed, at: t0, error: nil)
        try state.verified(callbackID: replaced.callbackID, lease: nil, at: t0, denied: "not allowed")
        #expect(try state.subscriptions().first?.state == .denied)
        #expect(try state.dueSubscriptions(at: t0.addingTimeInterval(3600)).isEmpty, "a denial is respected a day")
        #expect(try state.dueSubscriptions(at: t0.addingTimeInterval(86_401)).count == 1)
    }
}
