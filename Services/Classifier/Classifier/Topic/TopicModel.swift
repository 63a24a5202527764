import CorpusFiles
import Foundation

/// A trained topic model: multinomial logistic regression over `TopicFeatures`, with a temperature that
/// calibrates its probabilities (fitted on held-out articles, Guo et al. 2017), and where it came from.
///
/// File format (gzip-compressed): the line `NASHRA-TOPIC-MODEL 1`, a line with the byte length of the JSON
/// header, the header (`Header`), then the weights as int8 (bucket-major, one byte per label, scaled per label)
/// and the biases as little-endian Float32. Quantising to int8 keeps the committed model small; the loss in
/// accuracy is below what the evaluation can see (checked by `nashra evaluate` on the loaded file).
public struct TopicModel: Sendable {
    public struct Provenance: Codable, Sendable, Equatable {
        public var corpus: String
        public var corpusBytes: Int?
        public var documents: Int
        public var trainedAt: String
        public var command: String
        public var labelMap: LabelMap
        public var notes: String?

        public init(
            corpus: String,
            corpusBytes: Int? = nil,
            documents: Int,
            trainedAt: String,
            command: String,
            labelMap: LabelMap = LabelMap(),
            notes: String? = nil
        ) {
            self.corpus = corpus
            self.corpusBytes = corpusBytes
            self.documents = documents
            self.trainedAt = trainedAt
            self.command = command
            self.labelMap = labelMap
            self.notes = notes
        }
    }

    public struct Header: Codable, Sendable {
        public var labels: [String]
        public var features: TopicFeatures
        public var temperature: Double
        public var scales: [Float]
        public var provenance: Provenance
    }

    public let labels: [String]
    public let features: TopicFeatures
    public var temperature: Double
    public var provenance: Provenance
    /// `weights[bucket * labels.count + label]` (empty for a model read from a file: see `rows`).
    public package(set) var weights: [Float]
    public package(set) var biases: [Float]
    /// A model read from a file scores from its stored int8 weights: a row of 8 bytes per bucket (the labels,
    /// padded), summed as integers and scaled once per label (`rowScales`). A quarter of the memory of Float
    /// weights, so the table of 2^20 buckets stays in cache, and one vector add per feature.
    package var rows: [Int8] = []
    package var rowScales: [Float] = []
    static let rowWidth = 8

    package init(labels: [String], features: TopicFeatures, provenance: Provenance, weighted: Bool = true) {
        self.labels = labels
        self.features = features
        self.temperature = 1
        self.provenance = provenance
        weights = weighted ? [Float](repeating: 0, count: features.dimension * labels.count) : []
        biases = [Float](repeating: 0, count: labels.count)
    }

    // MARK: Scoring

    /// The raw scores (logits) of one article's feature occurrences.
    public func logits(of indices: [UInt32]) -> [Float] {
        let classes = labels.count
        var scores = biases
        let weight = TopicFeatures.occurrenceWeight(indices.count)
        if !rows.isEmpty {
            var sums = SIMD8<Int32>()
            rows.withUnsafeBytes { rows in
                for index in indices {
                    let row = rows.loadUnaligned(fromByteOffset: Int(index) &* Self.rowWidth, as: SIMD8<Int8>.self)
                    sums &+= SIMD8<Int32>(truncatingIfNeeded: row)
                }
            }
            for label in 0..<classes { scores[label] += Float(sums[label]) * rowScales[label] * weight }
            return scores
        }
        weights.withUnsafeBufferPointer { weights in
            scores.withUnsafeMutableBufferPointer { scores in
                for index in indices {
                    let base = Int(index) &* classes
                    for label in 0..<classes { scores[label] += weights[base &+ label] * weight }
                }
            }
        }
        return scores
    }

    /// Calibrated probabilities from logits, with a log `prior` over the labels added if given.
    public func probabilities(fromLogits logits: [Float], temperature: Double? = nil, prior: [Double]? = nil)
        -> [Double]
    {
        let t = temperature ?? self.temperature
        var scaled = logits.map { Double($0) / t }
        if let prior, prior.count == scaled.count {
            for index in scaled.indices { scaled[index] += prior[index] }
        }
        let top = scaled.max() ?? 0
        let exps = scaled.map { Foundation.exp($0 - top) }
        let total = exps.reduce(0, +)
        return exps.map { $0 / total }
    }

    // MARK: Files

    static let magic = "NASHRA-TOPIC-MODEL 1\n"

    /// Writes the model to `path` (gzip).
    public func write(to path: String) throws {
        let classes = labels.count
        let weights = self.weights.isEmpty ? dequantised() : self.weights
        var scales = [Float](repeating: 0, count: classes)
        for (offset, value) in weights.enumerated() {
            scales[offset % classes] = max(scales[offset % classes], abs(value))
        }
        scales = scales.map { $0 > 0 ? $0 / 127 : 1 }
        let header = Header(
            labels: labels,
            features: features,
            temperature: temperature,
            scales: scales,
            provenance: provenance
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = try encoder.encode(header)
        var data = Data(Self.magic.utf8)
        data.append(Data("\(json.count)\n".utf8))
        data.append(json)
        var quantised = [Int8](repeating: 0, count: weights.count)
        for (offset, value) in weights.enumerated() {
            quantised[offset] = Int8(max(-127, min(127, (value / scales[offset % classes]).rounded())))
        }
        quantised.withUnsafeBytes { data.append(contentsOf: $0) }
        for bias in biases { withUnsafeBytes(of: bias.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        try GzipFile.write(data, to: path)
    }

    /// The Float weights of a model read from a file (`rows` times their scales).
    func dequantised() -> [Float] {
        let classes = labels.count
        var weights = [Float](repeating: 0, count: features.dimension * classes)
        for bucket in 0..<features.dimension {
            for label in 0..<classes {
                weights[bucket * classes + label] = Float(rows[bucket * Self.rowWidth + label]) * rowScales[label]
            }
        }
        return weights
    }

    /// Reads a model written by `write(to:)`.
    public static func load(from path: String) throws -> TopicModel {
        let data = try GzipFile.read(path)
        func fail(_ why: String) -> ModelFileError {
            ModelFileError(description: "\(path) is not a Nashra topic model: \(why)")
        }
        guard data.starts(with: Data(magic.utf8)) else { throw fail("bad magic line") }
        var cursor = data.startIndex + magic.utf8.count
        guard let newline = data[cursor...].firstIndex(of: UInt8(ascii: "\n")),
            let headerLength = Int(String(decoding: data[cursor..<newline], as: UTF8.self)), headerLength > 0
        else { throw fail("no header length") }
        cursor = newline + 1
        guard data.endIndex - cursor >= headerLength else { throw fail("truncated header") }
        let header = try JSONDecoder().decode(Header.self, from: data[cursor..<(cursor + headerLength)])
        cursor += headerLength
        let classes = header.labels.count
        let count = header.features.dimension * classes
        guard classes > 0, header.scales.count == classes, data.endIndex - cursor == count + 4 * classes else {
            throw fail("the weights do not match the header")
        }
        var model = TopicModel(
            labels: header.labels,
            features: header.features,
            provenance: header.provenance,
            weighted: classes > rowWidth
        )
        model.temperature = header.temperature
        data[cursor..<(cursor + count)].withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: Int8.self)
            if classes <= rowWidth {
                model.rowScales = header.scales
                var rows = [Int8](repeating: 0, count: header.features.dimension * rowWidth)
                rows.withUnsafeMutableBufferPointer { rows in
                    for bucket in 0..<header.features.dimension {
                        for label in 0..<classes { rows[bucket * rowWidth + label] = bytes[bucket * classes + label] }
                    }
                }
                model.rows = rows
            } else {
                for offset in 0..<count {
                    model.weights[offset] = Float(bytes[offset]) * header.scales[offset % classes]
                }
            }
        }
        cursor += count
        for label in 0..<classes {
            var bits: UInt32 = 0
            for byte in 0..<4 { bits |= UInt32(data[cursor + label * 4 + byte]) << (8 * byte) }
            model.biases[label] = Float(bitPattern: bits)
        }
        return model
    }
}

public struct ModelFileError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}
