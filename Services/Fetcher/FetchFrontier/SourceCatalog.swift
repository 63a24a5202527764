import Foundation
import NashraMessages
import Yams

/// A publisher Nashra follows, as written in the sources file.
public struct Source: Codable, Sendable, Equatable {
    public var id: String
    /// Display name, in Arabic for Arabic publishers ("اليوم السابع").
    public var name: String
    public var nameLatin: String?
    public var home: String?
    /// Feed and sitemap URLs; when empty, the feeds the home page advertises are discovered and followed.
    public var feeds: [String]
    /// Seconds between polls of each feed.
    public var pollInterval: Int
    public var language: String?
    /// IANA time zone of the outlet, for dates written without an offset.
    public var timezone: String?
    public var charset: String?
    /// Selectors for outlets where the generic extractor is not enough (`extraction: {body:, title:, date:,
    /// remove: []}`).
    public var extraction: ExtractionRules?
    /// The section of a feed that carries one section only, by the feed's address (`sections: {URL: رياضة}`):
    /// the section of its items that name none (`<category>`), evidence for the classifier.
    public var sections: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id, name, home, feeds, language, timezone, charset, extraction, sections
        case nameLatin = "name_latin"
        case pollInterval = "poll_interval"
    }
}

/// The sources file: YAML with a top-level `sources:` list.
public struct SourceCatalog: Codable, Sendable {
    public var sources: [Source]

    /// The source with this id, if the catalog has it.
    public func source(id: String) -> Source? { sources.first { $0.id == id } }

    public init(sources: [Source]) { self.sources = sources }

    /// Reads and checks a sources file.
    /// - Throws: `CatalogError` naming the file and the problem (unreadable, bad YAML, duplicate id, no feeds).
    public static func load(path: String) throws -> SourceCatalog {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CatalogError("cannot read sources file \(path): \(error.localizedDescription)")
        }
        return try parse(text, origin: path)
    }

    public static func parse(_ yaml: String, origin: String = "sources") throws -> SourceCatalog {
        let catalog: SourceCatalog
        do {
            catalog = try YAMLDecoder().decode(SourceCatalog.self, from: yaml)
        } catch {
            throw CatalogError("\(origin) is not a valid sources file: \(error)")
        }
        var ids = Set<String>()
        for source in catalog.sources {
            guard ids.insert(source.id).inserted else {
                throw CatalogError("\(origin): duplicate source id \(source.id)")
            }
            guard source.pollInterval >= 1 else { throw CatalogError("\(origin): \(source.id) has poll_interval < 1") }
        }
        return catalog
    }
}

public struct CatalogError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
