import Foundation

extension String {
    /// The text of an HTML page as a reader sees it: elements removed (their text kept), so that a test can look
    /// for a sentence whatever markup isolates its parts (`نشر في <span dir="auto">مصراوي</span> يوم …`).
    public var visibleText: String {
        replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
    }
}
