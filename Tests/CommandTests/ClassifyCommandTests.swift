import Foundation
import TestSupport
import Testing

/// The `nashra classify` contract, through the built executable (`NASHRA_BIN_DIR`, set by deploy/test.sh).
@Suite(
    "nashra classify",
    .enabled(if: TestEnvironment.hasExecutables, "NASHRA_BIN_DIR is not set (deploy/test.sh sets it)")
) struct ClassifyCommandTests {
    @Test("JSON lines in, {id, category, confidence} out, one per line in order; bad lines answered, not dropped")
    func contract() async throws {
        let nashra = try #require(TestEnvironment.executable("nashra"))
        let input = """
            {"id": "a1", "title": "الأهلي يفوز على الزمالك في قمة الدوري", "text": "سجّل اللاعب هدفين في المباراة."}
            not json
            {"id": "a2", "title": "البورصة المصرية تربح ١٠ مليارات جنيه", "text": "ارتفعت الأسهم وتراجع الدولار."}
            {"id": "a3"}

            {"id": "a4", "title": "", "text": "فيلم جديد في مهرجان القاهرة السينمائي يفوز بجائزة الهرم الذهبي للرواية والفن"}
            """
        let result = try await ChildProcess.output(nashra, ["classify"], input: Data(input.utf8))
        #expect(result.status == 0)
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 5, "one answer per non-empty line")
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects[0]["id"] as? String == "a1" && objects[0]["category"] as? String == "sport")
        #expect((objects[0]["confidence"] as? Double ?? 0) > 0.5)
        #expect(objects[1]["line"] as? Int == 2 && objects[1]["error"] != nil)
        #expect(objects[2]["id"] as? String == "a2" && objects[2]["category"] as? String == "economy")
        #expect(objects[3]["error"] != nil, "neither title nor text")
        #expect(objects[4]["id"] as? String == "a4" && objects[4]["category"] as? String == "culture")
        #expect(String(decoding: result.stderr, as: UTF8.self).contains("2 of 6 line(s) rejected"))
    }

    @Test("lines read by the fast path and by the decoder answer the same; escapes, nesting and bad bytes")
    func fastAndSlowPaths() async throws {
        let nashra = try #require(TestEnvironment.executable("nashra"))
        let title = "الأهلي يفوز على الزمالك في قمة الدوري"
        // The same article: plain; with every escape JSON has (\u0627 is ا, a surrogate pair is an emoji); with a
        // nested field no one asked for (the decoder's path); with bytes that are not UTF-8.
        var input = Data()
        input.append(
            Data(#"{"id": "plain", "title": "\#(title)", "text": "سجل اللاعب هدفين في المباراة", "n": 1}"#.utf8)
        )
        input.append(Data("\n".utf8))
        input.append(Data(#"{"id":"esc\"aped","title":"\u0627\u0644\u0623\u0647\u0644\u064A يفوز على الزمالك","#.utf8))
        input.append(Data(#""text":"سجل\tاللاعب\nهدفين\/في \ud83d\ude00 المباراة\\","x":null,"ok":true}"#.utf8))
        input.append(Data("\n".utf8))
        input.append(Data(#"{"id": "nested", "meta": {"a": [1, 2]}, "title": "\#(title)", "text": "هدفين"}"#.utf8))
        input.append(Data("\n".utf8))
        input.append(
            Data(#"{"id": "bytes", "title": "\#(title) "#.utf8) + Data([0xFF, 0xC3]) + Data(#"", "text": ""}"#.utf8)
        )
        input.append(Data("\n".utf8))
        input.append(Data(#"{"id": 7, "title": "\#(title)"}"#.utf8))
        input.append(Data("\n".utf8))
        input.append(Data(#"{"id": "twice", "title": "a", "title": "\#(title)"}"#.utf8))
        let result = try await ChildProcess.output(nashra, ["classify"], input: input)
        let objects = try String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(objects.count == 6)
        #expect(objects.map { $0["id"] as? String } == ["plain", "esc\"aped", "nested", "bytes", nil, "twice"])
        #expect(objects.prefix(4).allSatisfy { $0["category"] as? String == "sport" }, "\(objects)")
        #expect(objects[4]["error"] != nil, "an id that is a number is the decoder's error")
        #expect(objects[5]["category"] != nil, "a repeated key goes to the decoder, which reads its first value")
    }

    @Test("ids come back as given: quotes, backslashes and control characters at every offset of the scan")
    func idsRoundTrip() async throws {
        let nashra = try #require(TestEnvironment.executable("nashra"))
        // The reader scans strings eight bytes at a time: put the escape at each offset of two words, and send
        // characters JSON must escape in the answer.
        let ids = (0..<17).map { String(repeating: "خ", count: $0 / 2) + String(repeating: "x", count: $0 % 2) }
            .enumerated().map { "\($0.element)\"\\/\n\t\u{01}\u{1F}ى\($0.offset)" }
        var input = Data()
        for id in ids {
            let line = try JSONSerialization.data(withJSONObject: ["id": id, "title": "الأهلي يفوز على الزمالك"])
            input.append(line)
            input.append(Data("\n".utf8))
        }
        let result = try await ChildProcess.output(nashra, ["classify", "--scores"], input: input)
        let objects = try String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(objects.map { $0["id"] as? String } == ids)
        let scores = try #require(objects.first?["scores"] as? [String: Double])
        #expect(scores.keys.contains("sport") && abs(scores.values.reduce(0, +) - 1) < 1e-3)
        let text = String(decoding: result.stdout, as: UTF8.self)
        #expect(text.hasPrefix(#"{"category":"sport","confidence":"#), "keys in sorted order")
    }
}
