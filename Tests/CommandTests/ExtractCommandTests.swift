import Foundation
import TestSupport
import Testing

/// The `nashra extract` contract, through the built executable (`NASHRA_BIN_DIR`, set by deploy/test.sh).
@Suite(
    "nashra extract",
    .enabled(if: TestEnvironment.hasExecutables, "NASHRA_BIN_DIR is not set (deploy/test.sh sets it)")
) struct ExtractCommandTests {
    @Test("one JSON object a line per file, in order; bad files answered with an error; a gzip bomb is capped")
    func contract() async throws {
        let nashra = try #require(TestEnvironment.executable("nashra"))
        let folder = try TestEnvironment.temporaryDirectory()
        let root = TestEnvironment.repositoryRoot
        try Data().write(to: URL(fileURLWithPath: folder + "/empty.html"))
        try Data((0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 9) })
            .write(to: URL(fileURLWithPath: folder + "/garbage.html"))
        let files = [
            root + "/Tests/Fixtures/aggregator-article.html",
            folder + "/empty.html",
            folder + "/garbage.html",
            root + "/Tests/Fixtures/zeros-50MB.gz",
            folder + "/missing.html",
            root + "/Tests/Fixtures/page-windows-1256-no-date.html",
        ]
        let started = Date()
        let result = try await ChildProcess.output(nashra, ["extract", "--max-bytes", "10000000"] + files)
        #expect(Date().timeIntervalSince(started) < 60)
        #expect(result.status == 0)
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == files.count)
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(zip(objects, files).allSatisfy { $0["path"] as? String == $1 })
        #expect(objects[0]["title"] as? String == "البنك المركزي يثبت أسعار الفائدة للمرة الثالثة")
        #expect(objects[0]["published"] as? String == "2025-11-23T10:15:00+02:00", "the page's own offset kept")
        #expect(objects[0]["authors"] as? [String] == ["سارة محمود"])
        #expect(objects[0]["language"] as? String == "ar")
        // An aggregator's page: the outlet it credits is the source, the aggregator the site.
        #expect(objects[0]["source"] as? String == "اليوم السابع" && objects[0]["site"] as? String == "مصرس")
        #expect((objects[0]["text"] as? String)?.contains("\n") == true, "paragraphs joined by newlines")
        for index in 1...4 { #expect(objects[index]["error"] != nil, "\(files[index])") }
        #expect((objects[3]["error"] as? String)?.contains("inflates beyond") == true, "the bomb is capped")
        #expect(objects[5]["title"] != nil && objects[5]["published"] is NSNull, "no date means null, not a guess")
        #expect(String(decoding: result.stderr, as: UTF8.self).contains("4 of 6 page(s) gave no article"))
    }
}
