// SPDX-License-Identifier: Apache-2.0
import COpenSSL

/// OpenSSL's thread-local error queue. Drained at once after a failing call, never across an `await`.
enum OpenSSLErrorQueue {
    /// Empties the queue and returns the last reason, for diagnostics (never contains key bytes).
    static func drain() -> String {
        var last: UInt = 0
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            last = code
        }
        guard last != 0 else { return "no OpenSSL error recorded" }
        if let reason = unsafe ERR_reason_error_string(last) { return unsafe String(cString: reason) }
        return "OpenSSL error \(last)"
    }

    /// Empties the queue, ignoring its contents.
    static func clear() { ERR_clear_error() }
}
