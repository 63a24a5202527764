import ArabicText

/// Seed words for sections of the product's taxonomy that a training corpus may lack. Outlets do not all have
/// every section: in ANT, neither CNN Arabic nor Sky News Arabia has a culture section, and a model trained on
/// them alone would have no `culture` label at all; their culture stories are filed under other sections. When
/// a corpus has no article of a seeded label, the trainer gives that label to the training articles whose
/// words are densest in its seeds (weak supervision from seed words, as in dataless classification, Chang et
/// al. 2008, and WeSTClass, Meng et al. 2018), and the model learns the rest of the section's vocabulary from
/// them. A corpus that has the label trains on its own articles and the seeds are unused. The seed words are also
/// one of the word lists whose shared feature every model learns (`TopicLexicons`).
///
/// Seeds are words a section's editor would name, written as readers see them and matched by light stem. Left
/// out: words as common outside the section («نجم», «جائزة», «حفل», «معرض») and words whose stem is another
/// word's: «أغنية» (the stem of «أغنى», richest), «ممثل» (also a representative), «رواية» (an account), «فني»
/// (technical), «التشكيلي» (the stem of «تشكيل», forming a government), «مخرج» («مخرجات», outcomes), «ديوان»
/// (a royal court); for health, «السكري» (its stem is «سكر», sugar), «الجراحة» («جراح», wounds), «أدوية»
/// («أدوات», tools), «القلب», «الإصابة» and «الدم» (as common in war and sport news).
///
/// A section is seeded when no training article has it for certain: in ANT no outlet has `health`, and Sky News
/// Arabia's `technology` stands for {technology, health} (`LabelMap`), so health is seeded although the label
/// map names it.
public struct TopicSeeds: Sendable {
    /// The seed stems' hashes per label.
    let stems: [String: Set<UInt64>]
    /// The score (`score(title:text:label:)`) from which an article is given a seeded label.
    public var threshold: Double

    public static let words: [String: String] = [
        "culture": """
        ثقافة الثقافي الثقافية المثقفين الفنان الفنانة الفنانين فيلم الأفلام السينما السينمائي السينمائية
        مهرجان المسرح المسرحي الموسيقى الموسيقي الأغاني المطرب المطربة المغني المغنية ألبوم الروائي
        الروائية الشاعر الشاعرة قصيدة الأدب الأدبي الأديب الأديبة متحف المتاحف التراث الأثري أوسكار هوليوود
        الدراما مسلسل المسلسلات الغناء الرسام النحات تمثال الأوبرا السيناريو الباليه الكاتبة
        """,
        "health": """
        الصحة الصحي الصحية صحته المرض المرضى مريض أمراض الطبي الطبية الطبيب الأطباء المستشفى مستشفيات
        العلاج الدواء لقاح اللقاحات التطعيم الفيروس فيروس الوباء السرطان الأورام الزهايمر الإيدز الإيبولا
        كورونا التمريض الممرضين العيادة العيادات الصيدلية الإدمان الأعراض التغذية
        """,
    ]

    public init(threshold: Double = 0.5) {
        stems = Dictionary(grouping: stemTable(Self.words), by: \.value).mapValues { Set($0.map(\.key)) }
        self.threshold = threshold
    }

    /// The seeded labels that a corpus whose articles are certainly of `labels` lacks (an outlet's partial label
    /// counts for none of its candidates). Only a corpus labelled in the product's sections
    /// (`TopicClassifier.sectionNames`) is seeded: another taxonomy («arts», «politics») has its own sections.
    public func missing(from labels: Set<String>) -> [String] {
        guard labels.isSubset(of: TopicClassifier.sectionNames.keys) else { return [] }
        return stems.keys.filter { !labels.contains($0) }.sorted()
    }

    /// How strongly an article speaks of `label`: its seed words (a title's counting twice) over the square root
    /// of its length in words, the first `limit` body words only.
    public func score(title: String, text: String, label: String, limit: Int) -> Double {
        guard let seeds = stems[label] else { return 0 }
        var hits = 0
        var words = 0
        for (part, weight, cap) in [(title, 2, 64), (text, 1, limit)] {
            var taken = 0
            TokenScanner.forEachToken(in: part, limit: cap) { token in
                taken += 1
                if seeds.contains(LightStemmer.stemHash(of: token)) { hits += weight }
            }
            words += taken
        }
        return words == 0 ? 0 : Double(hits) / Double(words).squareRoot()
    }
}
