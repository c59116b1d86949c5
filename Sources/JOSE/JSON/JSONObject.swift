// SPDX-License-Identifier: Apache-2.0

/// A JSON object whose members keep document order and whose keys are unique.
///
/// Keys compare byte for byte (no Unicode canonical equivalence: `"\u{212A}"` is not `"K"`).
///
/// JOSE objects are small (a header has a handful of members, an ID token a dozen claims), so
/// lookup is a linear scan: faster than hashing at this size, and it keeps the order for printing.
public struct JSONObject: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    /// One `"key": value` pair.
    public struct Member: Hashable, Sendable {
        /// The member name.
        public var key: String
        /// The member value.
        public var value: JSONValue

        /// Creates a member.
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The members in document (or insertion) order.
    public private(set) var members: [Member]

    /// Creates an object from members; a later duplicate key replaces an earlier one.
    public init(_ members: [Member] = []) {
        self.members = []
        self.members.reserveCapacity(members.count)
        for member in members { self[member.key] = member.value }
    }

    /// Creates an object from a literal, keeping its order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements.map { Member(key: $0.0, value: $0.1) })
    }

    /// Appends without checking for duplicates; the parser checks before calling this.
    init(uncheckedMembers members: [Member]) { self.members = members }

    /// The number of members.
    public var count: Int { self.members.count }

    /// The member names in order.
    public var keys: [String] { self.members.map(\.key) }

    /// Gets, replaces, adds (at the end) or removes (with `nil`) the member named `key`.
    public subscript(key: String) -> JSONValue? {
        get {
            for member in self.members where ExactText.equal(member.key, key) { return member.value }
            return nil
        }
        set {
            if let index = self.members.firstIndex(where: { ExactText.equal($0.key, key) }) {
                if let newValue { self.members[index].value = newValue } else { self.members.remove(at: index) }
            } else if let newValue {
                self.members.append(Member(key: key, value: newValue))
            }
        }
    }

    /// Iterates members in order.
    public func makeIterator() -> IndexingIterator<[Member]> { self.members.makeIterator() }
}
