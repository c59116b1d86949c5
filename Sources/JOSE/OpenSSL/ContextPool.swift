// SPDX-License-Identifier: Apache-2.0
import COpenSSL
import Synchronization

/// A small thread-safe pool of reusable OpenSSL contexts (`EVP_PKEY_CTX`, `EVP_MD_CTX`, `EVP_MAC_CTX`).
///
/// OpenSSL contexts are not thread-safe, but creating one per operation costs more than the operation's
/// own arithmetic for HMAC and a large share of it for RSA (allocations, provider look-ups and the
/// locks behind them). A context is taken for one operation and given back afterwards; each entry carries
/// a tag so that contexts set up differently (PKCS#1 versus PSS, SHA-256 versus SHA-384) never mix.
@safe
final class ContextPool: Sendable {
    @safe
    private struct Entry: @unchecked Sendable {  // a context owned by the pool; used by one thread at a time
        let tag: Int
        let context: OpaquePointer
    }

    private let entries = Mutex<[Entry]>([])
    /// Lock-free slots for tag 0, the only tag of the HMAC and digest pools, whose operations are short
    /// enough for a mutex to show: each holds a context's address, or 0 when empty. Taking one is one
    /// atomic exchange, giving one back one compare-and-exchange.
    private let fastSlots = InlineArray<4, Atomic<Int>> { _ in Atomic(0) }
    private let release: @Sendable (OpaquePointer, Int) -> Void
    private let capacity: Int

    /// - Parameters:
    ///   - capacity: contexts kept for reuse; more are freed when given back.
    ///   - release: frees one context, given its tag.
    init(capacity: Int = 8, release: @escaping @Sendable (OpaquePointer, Int) -> Void) {
        self.capacity = capacity
        unsafe self.release = release
    }

    deinit {
        let release = unsafe self.release
        for index in self.fastSlots.indices {
            let bits = self.fastSlots[index].exchange(0, ordering: .acquiring)
            if let context = unsafe OpaquePointer(bitPattern: bits) { unsafe release(context, 0) }
        }
        self.entries.withLock { entries in
            for entry in entries { unsafe release(entry.context, entry.tag) }
            entries.removeAll()
        }
    }

    /// A pooled context with `tag`, or `nil` when none is free.
    func take(tag: Int) -> OpaquePointer? {
        if tag == 0 {
            for index in self.fastSlots.indices where self.fastSlots[index].load(ordering: .relaxed) != 0 {
                let bits = self.fastSlots[index].exchange(0, ordering: .acquiring)
                if let context = unsafe OpaquePointer(bitPattern: bits) { return unsafe context }
            }
        }
        return unsafe self.entries.withLock { entries -> OpaquePointer? in
            guard let index = entries.lastIndex(where: { $0.tag == tag }) else { return nil }
            return unsafe entries.remove(at: index).context
        }
    }

    /// Gives a context back, or frees it when the pool is full.
    func put(_ context: OpaquePointer, tag: Int) {
        if tag == 0 {
            let bits = Int(bitPattern: context)
            for index in self.fastSlots.indices where self.fastSlots[index].load(ordering: .relaxed) == 0 {
                if self.fastSlots[index].compareExchange(expected: 0, desired: bits, ordering: .releasing).exchanged {
                    return
                }
            }
        }
        let kept = self.entries.withLock { entries -> Bool in
            guard entries.count < self.capacity else { return false }
            unsafe entries.append(Entry(tag: tag, context: context))
            return true
        }
        if !kept { unsafe self.release(context, tag) }
    }
}
