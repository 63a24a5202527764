import CCurl
import Foundation

/// One libcurl multi handle driven by a dedicated thread: transfers are added from any thread, performed
/// together (`curl_multi_perform`, `curl_multi_poll`), and each caller is resumed when its transfer is done
/// (`curl_multi_info_read`). `curl_multi_wakeup` interrupts the poll when a transfer is added.
///
/// `@unchecked Sendable`: the multi handle and `active` are only touched on the engine thread, except
/// `curl_multi_wakeup`, which libcurl documents as callable from any thread; `incoming` is guarded by `lock`.
/// An easy handle belongs to the engine from `perform` until its continuation is resumed.
final class CurlMultiEngine: @unchecked Sendable {
    static let shared = CurlMultiEngine()

    private let multi: UnsafeMutableRawPointer
    private let lock = NSLock()
    private var incoming: [(handle: UnsafeMutableRawPointer, done: CheckedContinuation<CURLcode, Never>)] = []
    private var active: [UnsafeMutableRawPointer: CheckedContinuation<CURLcode, Never>] = [:]

    private init() {
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        self.multi = multi
        let thread = Thread { [self] in run() }
        thread.name = "curl-multi"
        thread.start()
    }

    /// Performs the configured easy handle and returns its result code.
    func perform(_ handle: UnsafeMutableRawPointer) async -> CURLcode {
        await withCheckedContinuation { continuation in
            lock.withLock { incoming.append((handle, continuation)) }
            curl_multi_wakeup(multi)
        }
    }

    private func run() {
        while true {
            let added = lock.withLock {
                defer { incoming.removeAll() }
                return incoming
            }
            for transfer in added {
                let status = curl_multi_add_handle(multi, transfer.handle)
                if status == CURLM_OK {
                    active[transfer.handle] = transfer.done
                } else {
                    transfer.done.resume(returning: CURLE_FAILED_INIT)
                }
            }
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            var finished: UnsafeMutableRawPointer?
            var result = CURLE_OK
            while nashra_curl_multi_next_done(multi, &finished, &result) != 0, let handle = finished {
                curl_multi_remove_handle(multi, handle)
                active.removeValue(forKey: handle)?.resume(returning: result)
            }
            var ready: Int32 = 0
            _ = curl_multi_poll(multi, nil, 0, 1000, &ready)
        }
    }
}
