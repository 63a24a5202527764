import Classifier
import NashraRuntime

await StageRunner.main(
    name: "classifier",
    defaultPort: 9103,
    usage: "nashra-classifier: topic and story signature of each article (nashra.articles → nashra.classified)"
) { configuration, _ in
    try ClassifierStage(
        classifier: TopicClassifier.load(
            path: configuration[Setting.topicModel],
            threshold: try configuration.double(Setting.topicThreshold)
        )
    )
}
