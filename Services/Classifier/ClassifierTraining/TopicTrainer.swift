import Classifier
import Foundation
import NashraHashing

/// Trains a `TopicModel`: multinomial logistic regression by stochastic gradient descent with AdaGrad step
/// sizes (per weight, so rare n-grams learn fast and frequent ones settle), light L2 regularisation, and
/// class-balanced example weights (macro-F1 counts small sections as much as big ones).
///
/// Partial labels (`LabelMap`): an article whose outlet label stands for several model labels is trained on
/// the likelihood of its candidate set. The gradient of −log Σ_{c∈S} p_c with respect to logit k is
/// p_k − q_k, with q = p restricted to S and renormalised: the model is free to split the mass between the
/// candidates as the rest of the corpus teaches it.
///
/// Partial labels learned (`learnedLabels`): the map need not be written by hand. A model of the other outlets
/// reads each outlet's articles; a label that sends far more of its articles than the outlet's other labels do to
/// a section the outlet lacks is taken to stand for that section too. On ANT this finds, with no map given, that
/// Al Arabiya's international news holds its Middle East news, and that Sky News Arabia files culture under
/// technology.
///
/// Sections the corpus lacks: a label of `seeds` that no article has for certain (only as one candidate of a
/// partial label, or not at all) is given to the articles densest in its seed words (`TopicSeeds`), when there are
/// at least `minimumSeeded` of them.
///
/// Headlines alone: in a fifth of the steps (`headlineOnlyShare`) an article is seen by its headline's features
/// only. Feeds and short items often carry nothing else, and a model that only ever saw whole articles leaves a
/// lone headline's words too little weight (such a model is right on a quarter of SaudiNewsNet's headline-only
/// sport items, the plain SVM on two thirds; `bench/classify.sh --ablation` measures the difference).
///
/// Calibration: a tenth of the articles is held out; after training, the temperature that minimises their
/// negative log-likelihood is kept (temperature scaling leaves the ranking, hence accuracy, unchanged).
public struct TopicTrainer: Sendable {
    public var features = TopicFeatures()
    public var epochs = 6
    public var learningRate: Float = 0.4
    public var l2: Float = 1e-4
    public var balanced = true
    public var holdOutFraction = 0.1
    public var seed: UInt64 = 0x4e41_5348_5241
    public var seeds: TopicSeeds? = TopicSeeds()
    public var minimumSeeded = 20
    public var headlineOnlyShare = 0.2
    /// Learn partial labels from the other outlets (see the type's comment); nil to use `labelMap` as given.
    public var learnedLabels: LearnedLabels? = LearnedLabels()

    /// When an outlet's label is taken to stand also for a section the outlet lacks: under a model of at least
    /// two other outlets, at least `minimum` of the label's articles go to that section, at `concentration` times
    /// the rate of the outlet's other labels or more.
    public struct LearnedLabels: Sendable {
        public var minimum = 20
        public var concentration = 4.0
        public init() {}
    }

    public init() {}

    public struct Report: Sendable {
        public var trained = 0
        public var heldOut = 0
        public var heldOutNLL = 0.0
        public var temperature = 1.0
        public var seconds = 0.0
        /// Articles given a label the corpus lacked (indices into the corpus), by label.
        public var seeded: [String: [Int]] = [:]
        /// Partial labels learned from the other outlets: outlet → its label → the sections added to it, with
        /// how many of the label's articles the other outlets' model put there.
        public var learned: [String: [String: [String: Int]]] = [:]
    }

    /// Trains on `articles`; `labelMap` says which outlet labels are partial.
    public func train(_ articles: [LabeledArticle], labelMap: LabelMap, provenance: TopicModel.Provenance) throws
        -> (TopicModel, Report)
    {
        let start = Date()
        guard !articles.isEmpty else { throw ModelFileError(description: "the corpus has no labelled article") }
        var labelSet = Set(articles.map(\.label))
        for article in articles {
            labelSet.formUnion(labelMap.candidates(outlet: article.outlet, label: article.label))
        }
        // The labels some article has for certain: its outlet's label is not partial.
        let definite = Set(
            articles.filter { labelMap.candidates(outlet: $0.outlet, label: $0.label) == [$0.label] }.map(\.label)
        )
        var labelOf = articles.map(\.label)
        var seeded: [String: [Int]] = [:]
        if let seeds {
            for label in seeds.missing(from: definite) {
                let chosen = articles.indices.filter {
                    seeds.score(
                        title: articles[$0].title,
                        text: articles[$0].text,
                        label: label,
                        limit: features.maximumTokens
                    ) >= seeds.threshold
                }
                guard chosen.count >= minimumSeeded else { continue }
                for index in chosen { labelOf[index] = label }
                seeded[label] = chosen
                labelSet.insert(label)
            }
        }
        let labels = labelSet.sorted()
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var corpus = Encoded(labelOf: labelOf)
        var scratch = FeatureScratch()
        for (article, label) in zip(articles, labelOf) {
            corpus.headlines.append(features.extract(title: article.title, text: article.text, into: &scratch))
            corpus.flat.append(contentsOf: scratch.indices)
            corpus.offsets.append(corpus.flat.count)
            let outletLabels =
                seeded[label] != nil ? [label] : labelMap.candidates(outlet: article.outlet, label: label)
            corpus.candidates.append(outletLabels.compactMap { labelIndex[$0] })
        }

        var random = SplitMix(seed: seed)
        var order = Array(articles.indices)
        order.shuffle(using: &random)
        let heldOutCount = articles.count >= 50 ? Int(Double(articles.count) * holdOutFraction) : 0
        let heldOut = Array(order.prefix(heldOutCount))
        let training = Array(order.dropFirst(heldOutCount))

        var learned: [String: [String: [String: Int]]] = [:]
        if let learnedLabels {
            learned = learnPartialLabels(
                learnedLabels,
                articles: articles,
                labels: labels,
                training: training,
                corpus: &corpus,
                provenance: provenance
            )
        }

        // The map the model was trained with: the one given, and what was learned.
        var provenance = provenance
        for (outlet, outletLabels) in learned {
            for (label, sections) in outletLabels {
                let given = provenance.labelMap.candidates(outlet: outlet, label: label)
                provenance.labelMap.outlets[outlet, default: [:]][label] = given + sections.keys.sorted()
            }
        }
        var model = TopicModel(labels: labels, features: features, provenance: provenance)
        fit(&model, training: training, corpus: corpus, random: &random)

        var report = Report(trained: training.count, heldOut: heldOut.count, seeded: seeded, learned: learned)
        if !heldOut.isEmpty {
            let heldOutLogits = heldOut.map { model.logits(of: Array(corpus.occurrences(of: $0))) }
            func nll(_ temperature: Double) -> Double {
                var total = 0.0
                for (position, index) in heldOut.enumerated() {
                    let p = model.probabilities(fromLogits: heldOutLogits[position], temperature: temperature)
                    total -= Foundation.log(max(corpus.candidates[index].reduce(0.0) { $0 + p[$1] }, 1e-12))
                }
                return total / Double(heldOut.count)
            }
            let grid = stride(from: -1.5, through: 2.0, by: 0.05).map { Foundation.exp($0) }
            let best = grid.min { nll($0) < nll($1) } ?? 1
            model.temperature = best
            report.temperature = best
            report.heldOutNLL = nll(best)
        }
        report.seconds = Date().timeIntervalSince(start)
        return (model, report)
    }

    /// Partial labels learned by cross-fitting: for each outlet, a model of the other outlets reads its articles;
    /// where a label of the outlet sends enough of its articles to a section the outlet lacks altogether, that
    /// label is taken to stand for that section too (Sky News Arabia, which has no culture section, files culture
    /// somewhere). Their `candidates` grow accordingly. Returns what was added.
    private func learnPartialLabels(
        _ rule: LearnedLabels,
        articles: [LabeledArticle],
        labels: [String],
        training: [Int],
        corpus: inout Encoded,
        provenance: TopicModel.Provenance
    ) -> [String: [String: [String: Int]]] {
        let labelOf = corpus.labelOf
        // A model of one outlet mistakes that outlet's habits for the sections: probe with two or more.
        let outlets = Set(training.compactMap { articles[$0].outlet }).sorted()
        guard outlets.count >= 3 else { return [:] }
        var learned: [String: [String: [String: Int]]] = [:]
        for outlet in outlets {
            // The sections the outlet has (seeded ones included: those articles are already placed), and the
            // articles in the outlet's own filing (a seeded article is not).
            let all = training.filter { articles[$0].outlet == outlet }
            let present = Set(all.flatMap { corpus.candidates[$0] })
            let own = all.filter { labelOf[$0] == articles[$0].label }
            let others = training.filter { articles[$0].outlet != outlet }
            var probe = TopicModel(labels: labels, features: features, provenance: provenance)
            var random = SplitMix(seed: seed)
            fit(&probe, training: others, corpus: corpus, random: &random)
            var totals: [String: Int] = [:]
            var elsewhere: [String: [Int: Int]] = [:]
            for index in own {
                let logits = probe.logits(of: Array(corpus.occurrences(of: index)))
                guard let best = logits.indices.max(by: { logits[$0] < logits[$1] }) else { continue }
                totals[labelOf[index], default: 0] += 1
                if !present.contains(best) { elsewhere[labelOf[index], default: [:]][best, default: 0] += 1 }
            }
            // A section the outlet lacks turns up in every label now and then (the model's own errors); a label
            // that files it is one where it turns up far more often than in the outlet's other labels.
            let outletTotal = totals.values.reduce(0, +)
            var sectionTotals: [Int: Int] = [:]
            for sections in elsewhere.values {
                for (section, count) in sections { sectionTotals[section, default: 0] += count }
            }
            for (outletLabel, sections) in elsewhere {
                let total = totals[outletLabel] ?? 0
                let restTotal = outletTotal - total
                for (section, count) in sections where count >= rule.minimum && restTotal > 0 {
                    let rate = Double(count) / Double(total)
                    let restRate = max(Double((sectionTotals[section] ?? 0) - count), 1) / Double(restTotal)
                    guard rate >= rule.concentration * restRate else { continue }
                    learned[outlet, default: [:]][outletLabel, default: [:]][labels[section]] = count
                    for index in own where labelOf[index] == outletLabel && !corpus.candidates[index].contains(section)
                    {
                        corpus.candidates[index].append(section)
                    }
                }
            }
        }
        return learned
    }

    /// Stochastic gradient descent over `training` (see the type's comment), from `model`'s current weights.
    private func fit(
        _ model: inout TopicModel,
        training: [Int],
        corpus: Encoded,
        random: inout SplitMix
    ) {
        let labelOf = corpus.labelOf
        let classes = model.labels.count
        var training = training
        // Class weights from the articles' primary labels ("balanced": n / (k · n_c)).
        var exampleWeight = [Float](repeating: 1, count: labelOf.count)
        if balanced {
            var counts: [String: Int] = [:]
            for index in training { counts[labelOf[index], default: 0] += 1 }
            for index in training {
                exampleWeight[index] = Float(training.count) / Float(counts.count * counts[labelOf[index], default: 1])
            }
        }

        var squared = [Float](repeating: 1e-6, count: model.weights.count)
        var biasSquared = [Float](repeating: 1e-6, count: classes)
        var gradient = [Float](repeating: 0, count: classes)
        for _ in 0..<epochs {
            training.shuffle(using: &random)
            for index in training {
                let headlineOnly =
                    headlineOnlyShare > 0 && corpus.headlines[index] > 0 && random.unit() < headlineOnlyShare
                let occurrences = corpus.occurrences(of: index, headlineOnly: headlineOnly)
                let value = TopicFeatures.occurrenceWeight(occurrences.count)
                let logits = model.logits(of: Array(occurrences))
                let p = model.probabilities(fromLogits: logits, temperature: 1)
                let candidateSet = corpus.candidates[index]
                let mass = candidateSet.reduce(0.0) { $0 + p[$1] }
                for label in 0..<classes {
                    let target = candidateSet.contains(label) && mass > 0 ? p[label] / mass : 0
                    gradient[label] = Float(p[label] - target) * exampleWeight[index]
                }
                model.weights.withUnsafeMutableBufferPointer { weights in
                    squared.withUnsafeMutableBufferPointer { squared in
                        for bucket in occurrences {
                            let base = Int(bucket) * classes
                            for label in 0..<classes {
                                let slot = base + label
                                let g = gradient[label] * value + l2 * weights[slot]
                                squared[slot] += g * g
                                weights[slot] -= learningRate * g / squared[slot].squareRoot()
                            }
                        }
                    }
                }
                for label in 0..<classes {
                    biasSquared[label] += gradient[label] * gradient[label]
                    model.biases[label] -= learningRate * gradient[label] / biasSquared[label].squareRoot()
                }
            }
        }
    }

    /// The training articles as the trainer reads them: features extracted once, flat (`offsets[i]..<offsets[i+1]`
    /// are article i's bucket occurrences, the first `headlines[i]` of them its headline's), each article's label
    /// and its candidate model labels (indices).
    private struct Encoded {
        var labelOf: [String]
        var candidates: [[Int]] = []
        var flat: [UInt32] = []
        var offsets = [0]
        var headlines: [Int] = []

        func occurrences(of index: Int, headlineOnly: Bool = false) -> ArraySlice<UInt32> {
            flat[offsets[index]..<(headlineOnly ? offsets[index] + headlines[index] : offsets[index + 1])]
        }
    }
}
