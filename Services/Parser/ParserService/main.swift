import NashraRuntime
import Parser

await StageRunner.main(
    name: "parser",
    defaultPort: 9102,
    usage: "nashra-parser: extracts articles from fetched pages (nashra.pages → nashra.articles)"
) { _, _ in
    ParserStage()
}
