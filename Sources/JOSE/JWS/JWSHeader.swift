// SPDX-License-Identifier: Apache-2.0

/// A JWS protected header (RFC 7515 §4).
///
/// `jku`, `x5u`, `jwk` and `x5c` are kept raw in ``members`` and never fetched or trusted: keys come
/// from the caller, never from the token.
public struct JWSHeader: Hashable, Sendable {
    /// `alg`.
    public var algorithm: JWSAlgorithm {
        get { self.fields.algorithm }
        set { self.fields.algorithm = newValue }
    }
    /// `kid`.
    public var keyID: String? {
        get { self.text(self.fields.keyID) }
        set { self.fields.keyID = .string(newValue) }
    }
    /// `typ`, e.g. `JWT`.
    public var type: String? {
        get { self.text(self.fields.type) }
        set { self.fields.type = .string(newValue) }
    }
    /// `cty`.
    public var contentType: String? {
        get { self.text(self.fields.contentType) }
        set { self.fields.contentType = .string(newValue) }
    }
    /// `crit`: extension names the recipient must understand.
    public var critical: [String]? {
        get { self.fields.critical }
        set { self.fields.critical = newValue }
    }
    /// `x5t`.
    public var x509ThumbprintSHA1: String? {
        get { self.text(self.fields.x509ThumbprintSHA1) }
        set { self.fields.x509ThumbprintSHA1 = .string(newValue) }
    }

    /// Every member, including the typed ones, in document order.
    ///
    /// A header parsed from a token builds these values on first use, not while verifying.
    public var members: JSONObject {
        get {
            switch self.fields.source {
            case .object(let object): return object
            case .scanned(let bytes, let range):
                // Validated when the header was read, so indexing it again cannot fail.
                guard let index = try? JSONObjectIndex(bytes, in: range, limits: .token, what: "JWS header") else {
                    return JSONObject()
                }
                return JSONObject(
                    uncheckedMembers: index.slots.map {
                        JSONObject.Member(
                            key: JSONObjectIndex.key($0, in: bytes), value: JSONObjectIndex.value($0, in: bytes))
                    })
            }
        }
        set {
            // The typed members may still point into the scanned bytes: build them before they go.
            var fields = Fields(algorithm: self.algorithm, critical: self.critical, source: .object(newValue))
            fields.keyID = .string(self.keyID)
            fields.type = .string(self.type)
            fields.contentType = .string(self.contentType)
            fields.x509ThumbprintSHA1 = .string(self.x509ThumbprintSHA1)
            self.fields = fields
        }
    }

    /// Whether the header has a `kid` equal to `keyID`, code point for code point (RFC 7515 compares
    /// `kid` values as strings, with no Unicode normalization): read from a token, no `String` is built.
    func hasKeyID(_ keyID: String?) -> Bool {
        guard let keyID else { return false }
        switch self.fields.keyID {
        case .string(let own): return own.map { ExactText.equal($0, keyID) } ?? false
        case .scanned(let range):
            guard case .scanned(let bytes, _) = self.fields.source else { return false }
            return range.count == keyID.utf8.count && JSONObjectIndex.equal(bytes, range.lowerBound, keyID.utf8.span)
        }
    }

    /// Whether the header has a `kid` at all.
    var hasKeyID: Bool {
        if case .string(nil) = self.fields.keyID { return false }
        return true
    }

    /// The values. A token's string members stay ranges of its decoded bytes until asked for, so a
    /// header copies with one counted reference (the bytes), not one per string.
    private var fields: Fields

    private struct Fields: Sendable {
        var algorithm: JWSAlgorithm
        var keyID: Text = .string(nil)
        var type: Text = .string(nil)
        var contentType: Text = .string(nil)
        var critical: [String]? = nil
        var x509ThumbprintSHA1: Text = .string(nil)
        var source: Source
    }

    /// A string member: built (or absent), or the plain text at a range of the scanned bytes, built
    /// only when asked for (verifying compares a `kid` without building it).
    private enum Text: Sendable {
        case string(String?)
        case scanned(Range<Int>)
    }

    private func text(_ text: Text) -> String? {
        switch text {
        case .string(let string): return string
        case .scanned(let range):
            guard case .scanned(let bytes, _) = self.fields.source else { return nil }
            return String(decoding: bytes[range], as: UTF8.self)
        }
    }

    /// Where ``members`` come from: an object, or the validated JSON of a token's header in a buffer.
    private enum Source: Sendable {
        case object(JSONObject)
        case scanned([UInt8], Range<Int>)
    }

    /// Creates a header with an algorithm and optional key ID.
    public init(algorithm: JWSAlgorithm, keyID: String? = nil, type: String? = nil) {
        var members = JSONObject()
        members["alg"] = .string(algorithm.rawValue)
        if let keyID { members["kid"] = .string(keyID) }
        if let type { members["typ"] = .string(type) }
        self.fields = Fields(algorithm: algorithm, keyID: .string(keyID), type: .string(type), source: .object(members))
    }

    /// Reads a header from a parsed JSON object, checking every registered member's type.
    /// - Throws: ``JOSEError/Code/malformedHeader``.
    public init(members: JSONObject) throws {
        guard case .string(let algorithm)? = members["alg"] else {
            throw JOSEError.malformedHeader(reason: "header has no string \"alg\"")
        }
        var fields = Fields(algorithm: JWSAlgorithm(rawValue: algorithm), source: .object(members))
        fields.keyID = .string(try Self.string(members["kid"], "kid"))
        fields.type = .string(try Self.string(members["typ"], "typ"))
        fields.contentType = .string(try Self.string(members["cty"], "cty"))
        fields.x509ThumbprintSHA1 = .string(try Self.string(members["x5t"], "x5t"))
        if let critical = members["crit"] { fields.critical = try Self.critical(critical) }
        self.fields = fields
    }

    /// Reads a header from the JSON text in `bytes[range]` (a token's decoded header), checking it as
    /// ``init(members:)`` does, without building the members.
    /// - Throws: ``JOSEError/Code/malformedJSON``, ``JOSEError/Code/limitExceeded``,
    ///   ``JOSEError/Code/malformedHeader``.
    init(json bytes: [UInt8], in range: Range<Int>) throws {
        if let simple = Self.simpleMembers(bytes.span, in: range) {
            guard let algorithm = simple.algorithm else {
                throw JOSEError.malformedHeader(reason: "header has no string \"alg\"")
            }
            func text(_ range: Range<Int>?) -> Text { range.map { .scanned($0) } ?? .string(nil) }
            self.fields = Fields(
                algorithm: JWSAlgorithm.implemented(named: bytes.span.extracting(algorithm))
                    ?? JWSAlgorithm(rawValue: String(decoding: bytes[algorithm], as: UTF8.self)),
                keyID: text(simple.keyID), type: text(simple.type), contentType: text(simple.contentType),
                x509ThumbprintSHA1: text(simple.x509ThumbprintSHA1), source: .scanned(bytes, range))
            return
        }
        let index = try JSONObjectIndex(bytes, in: range, limits: .token, what: "JWS header")
        var algorithm: JWSAlgorithm? = nil
        var fields = Fields(algorithm: .none, source: .scanned(bytes, range))
        for slot in index.slots {
            switch JSONObjectIndex.shortName(slot, in: bytes) {
            case 0x61_6C67?:  // alg: an implemented one is recognised from its bytes
                if slot.first == UInt8(ascii: "\""), !slot.hasEscapes {
                    algorithm = JWSAlgorithm.implemented(
                        named: bytes.span.extracting((slot.valueStart + 1)..<(slot.valueEnd - 1)))
                }
                if algorithm == nil { algorithm = JSONObjectIndex.string(slot, in: bytes).map(JWSAlgorithm.init(rawValue:)) }
            case 0x6B_6964?: fields.keyID = .string(try Self.string(slot, bytes, "kid"))
            case 0x74_7970?: fields.type = .string(try Self.string(slot, bytes, "typ"))
            case 0x63_7479?: fields.contentType = .string(try Self.string(slot, bytes, "cty"))
            case 0x78_3574?: fields.x509ThumbprintSHA1 = .string(try Self.string(slot, bytes, "x5t"))
            case nil where JSONObjectIndex.hasName(slot, "crit", in: bytes):
                fields.critical = try Self.critical(JSONObjectIndex.value(slot, in: bytes))
            default: continue
            }
        }
        guard let algorithm else { throw JOSEError.malformedHeader(reason: "header has no string \"alg\"") }
        fields.algorithm = algorithm
        self.fields = fields
    }

    /// Equal when every member is equal (and so every typed property read from them).
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.algorithm == rhs.algorithm && lhs.keyID == rhs.keyID && lhs.type == rhs.type
            && lhs.contentType == rhs.contentType && lhs.critical == rhs.critical
            && lhs.x509ThumbprintSHA1 == rhs.x509ThumbprintSHA1 && lhs.members == rhs.members
    }

    /// Hashes the members.
    public func hash(into hasher: inout Hasher) { hasher.combine(self.members) }

    private static func string(_ value: JSONValue?, _ key: String) throws -> String? {
        guard let value else { return nil }
        guard case .string(let string) = value else {
            throw JOSEError.malformedHeader(reason: "header \"\(key)\" is not a string")
        }
        return string
    }

    private static func string(_ slot: JSONObjectIndex.Slot, _ bytes: [UInt8], _ key: String) throws -> String {
        guard let string = JSONObjectIndex.string(slot, in: bytes) else {
            throw JOSEError.malformedHeader(reason: "header \"\(key)\" is not a string")
        }
        return string
    }

    private static func critical(_ value: JSONValue) throws -> [String] {
        guard case .array(let values) = value, !values.isEmpty else {
            throw JOSEError.malformedHeader(reason: "\"crit\" must be a non-empty array")
        }
        let names = values.compactMap(\.stringValue)
        guard names.count == values.count else {
            throw JOSEError.malformedHeader(reason: "\"crit\" must hold only strings")
        }
        return names
    }
}
