// SPDX-License-Identifier: Apache-2.0
import Synchronization

/// A value shared between a test and the fake endpoints or tasks it starts (a `Mutex` cannot be captured
/// by an escaping closure; a class holding one can).
final class SharedValue<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) { self.storage = Mutex(value) }

    var value: Value { self.storage.withLock { $0 } }

    func set(_ value: Value) { self.storage.withLock { $0 = value } }

    /// Changes the value and returns what `body` returns, atomically.
    @discardableResult
    func update<Result: Sendable>(_ body: (inout Value) -> Result) -> Result { self.storage.withLock { body(&$0) } }
}
