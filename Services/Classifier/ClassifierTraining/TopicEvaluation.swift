import Classifier

/// Accuracy, per-label precision/recall/F1, macro-F1 and the confusion matrix of predictions against truth.
/// Macro-F1 averages over the labels that occur in the truth (a label the test set never has cannot be scored);
/// a prediction of any other label simply counts as an error.
public struct TopicEvaluation: Sendable {
    public struct LabelScore: Sendable {
        public var label: String
        public var support: Int
        public var precision: Double
        public var recall: Double
        public var f1: Double
    }

    public let labels: [String]
    /// `confusion[truth][predicted]` over `labels` plus any predicted label outside them (appended).
    public let confusion: [[Int]]
    public let columns: [String]
    public let accuracy: Double
    public let macroF1: Double
    public let scores: [LabelScore]

    public init(truth: [String], predicted: [String]) {
        precondition(truth.count == predicted.count)
        labels = Set(truth).sorted()
        columns = labels + Set(predicted).subtracting(labels).sorted()
        let column = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: columns.count), count: labels.count)
        for (actual, guess) in zip(truth, predicted) { matrix[column[actual]!][column[guess]!] += 1 }
        confusion = matrix
        let correct = zip(truth, predicted).filter { $0 == $1 }.count
        accuracy = truth.isEmpty ? 0 : Double(correct) / Double(truth.count)
        scores = labels.enumerated().map { row, label in
            let truePositives = Double(matrix[row][row])
            let support = matrix[row].reduce(0, +)
            let predictedCount = matrix.reduce(0) { $0 + $1[row] }
            let precision = predictedCount == 0 ? 0 : truePositives / Double(predictedCount)
            let recall = support == 0 ? 0 : truePositives / Double(support)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            return LabelScore(label: label, support: support, precision: precision, recall: recall, f1: f1)
        }
        macroF1 = scores.isEmpty ? 0 : scores.map(\.f1).reduce(0, +) / Double(scores.count)
    }

    /// A plain-text report.
    public var report: String {
        func format(_ value: Double) -> String {
            let scaled = (value * 1000).rounded() / 1000
            return String(describing: scaled).padding(toLength: 6, withPad: " ", startingAt: 0)
        }
        let width = max(12, (columns.map(\.count).max() ?? 0) + 1)
        func pad(_ text: String) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
        var lines = ["accuracy \(format(accuracy))  macro-F1 \(format(macroF1))", ""]
        lines.append(pad("label") + "  precision  recall  F1      support")
        for score in scores {
            lines.append(
                pad(score.label)
                    + "  \(format(score.precision))     \(format(score.recall))  \(format(score.f1))  \(score.support)"
            )
        }
        lines.append("")
        lines.append("confusion (rows: truth, columns: predicted)")
        lines.append(pad("") + columns.map { pad(String($0.prefix(width - 1))) }.joined())
        for (row, label) in labels.enumerated() {
            lines.append(pad(label) + confusion[row].map { pad(String($0)) }.joined())
        }
        return lines.joined(separator: "\n")
    }
}
