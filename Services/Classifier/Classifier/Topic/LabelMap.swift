/// How an outlet's own labels relate to the model's labels, for corpora whose outlets do not share one label
/// set. In ANT, Al Arabiya has no `middleEast` section and files Middle East news under `internationalNews`, so
/// its `internationalNews` means "internationalNews or middleEast": a *partial* (superset) label. Training on it
/// as if it meant `internationalNews` only would teach the model that Middle East stories are international
/// news; training on it as the candidate set {internationalNews, middleEast} (the partial-label likelihood
/// log Σ p over the candidates, Jin & Ghahramani 2002) teaches only what the outlet actually said.
///
/// The same map answers the other question, at evaluation and in the product: which of an outlet's own labels
/// a model label falls under (`middleEast` is `internationalNews` for Al Arabiya).
///
/// JSON: `{"Alarabia": {"internationalNews": ["internationalNews", "middleEast"]}}`.
public struct LabelMap: Codable, Sendable, Equatable {
    public var outlets: [String: [String: [String]]]

    public init(outlets: [String: [String: [String]]] = [:]) {
        self.outlets = outlets
    }

    public init(from decoder: any Decoder) throws {
        outlets = try decoder.singleValueContainer().decode([String: [String: [String]]].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(outlets)
    }

    /// The model labels that an outlet's `label` stands for.
    public func candidates(outlet: String?, label: String) -> [String] {
        guard let outlet, let mapped = outlets[outlet]?[label], !mapped.isEmpty else { return [label] }
        return mapped
    }

    /// Every model label the map mentions.
    public var allLabels: Set<String> {
        Set(outlets.values.flatMap { $0.flatMap { [$0.key] + $0.value } })
    }

    /// For an outlet whose own labels are `outletLabels`: the outlet label each model label falls under, or nil
    /// when the outlet has no such section.
    public func outletLabel(for modelLabel: String, outlet: String?, outletLabels: Set<String>) -> String? {
        if outletLabels.contains(modelLabel) { return modelLabel }
        for label in outletLabels.sorted() where candidates(outlet: outlet, label: label).contains(modelLabel) {
            return label
        }
        return nil
    }
}
