// SPDX-License-Identifier: Apache-2.0

/// JWT claims (RFC 7519 §4.1): the registered ones typed, every claim available raw.
///
/// The payload is validated in full when the claims are made, but values are built only when asked
/// for: checking `iss` or `aud` compares bytes, and an ID token's dozen claims cost no allocation
/// each on the verification path.
public struct JWTClaims: Hashable, Sendable {
    /// The buffer holding the claims JSON (a token's decoded parts, say); the index points into it.
    private let payload: [UInt8]
    private let index: JSONObjectIndex
    /// Where `iss` and `aud` are in ``index``, found while reading: the validator compares them without a
    /// search by name.
    private let issuerSlot: Int?
    private let audienceSlot: Int?

    /// `exp`, seconds since the epoch.
    public let expiresAt: Double?
    /// `nbf`, seconds since the epoch.
    public let notBefore: Double?
    /// `iat`, seconds since the epoch.
    public let issuedAt: Double?

    /// Reads claims from a JSON object, checking the registered claims' types.
    /// - Throws: ``JOSEError/Code/invalidClaim`` when a registered claim has the wrong type.
    public init(_ object: JSONObject) throws {
        let json = object.serialized()
        try self.init(json: json, in: 0..<json.count)
    }

    /// Parses claims from a JWS payload, which must be a JSON object.
    /// - Throws: ``JOSEError/Code/invalidClaim`` when the payload is not a JSON object or a registered
    ///   claim has the wrong type; ``JOSEError/Code/limitExceeded`` when it is too large or deep.
    public init(payload: [UInt8]) throws {
        try self.init(json: payload, in: 0..<payload.count)
    }

    /// Parses claims from the JSON in `payload[range]` (a token's decoded payload, in place).
    init(json payload: [UInt8], in range: Range<Int>) throws {
        let index: JSONObjectIndex
        do {
            index = try JSONObjectIndex(payload, in: range, limits: .token, what: "JWT payload")
        } catch let error as JOSEError where error.code == .malformedJSON {
            throw JOSEError.invalidClaim(reason: "payload is not a JSON object (\(error.reason))")
        }
        var expiresAt: Double? = nil
        var notBefore: Double? = nil
        var issuedAt: Double? = nil
        var issuerSlot: Int? = nil
        var audienceSlot: Int? = nil
        for (position, slot) in index.slots.enumerated() {
            let name = JSONObjectIndex.shortName(slot, in: payload)
            switch name {
            case 0x65_7870?: expiresAt = try Self.numericDate(slot, payload, "exp")
            case 0x6E_6266?: notBefore = try Self.numericDate(slot, payload, "nbf")
            case 0x69_6174?: issuedAt = try Self.numericDate(slot, payload, "iat")
            case 0x69_7373?, 0x73_7562?, 0x6A_7469?:  // iss, sub, jti
                guard slot.first == UInt8(ascii: "\"") else {
                    throw JOSEError.invalidClaim(reason: "\"\(JSONObjectIndex.key(slot, in: payload))\" is not a string")
                }
                if name == 0x69_7373 { issuerSlot = position }
            case 0x61_7564?:  // aud
                guard Self.isAudience(slot, payload) else {
                    throw JOSEError.invalidClaim(reason: "\"aud\" must be a string or an array of strings")
                }
                audienceSlot = position
            default:
                continue
            }
        }
        self.index = index
        self.issuerSlot = issuerSlot
        self.audienceSlot = audienceSlot
        self.payload = payload
        self.expiresAt = expiresAt
        self.notBefore = notBefore
        self.issuedAt = issuedAt
    }

    /// `iss`.
    public var issuer: String? { self["iss"]?.stringValue }
    /// `sub`.
    public var subject: String? { self["sub"]?.stringValue }
    /// `jti`.
    public var jwtID: String? { self["jti"]?.stringValue }

    /// `aud`, normalised to an array (a single string becomes one element).
    public var audience: [String]? {
        switch self["aud"] {
        case .string(let audience)?: return [audience]
        case .array(let values)?: return values.compactMap(\.stringValue)
        default: return nil
        }
    }

    /// Every claim in document order, registered ones included.
    public var all: JSONObject {
        JSONObject(
            uncheckedMembers: self.index.slots.map {
                JSONObject.Member(
                    key: JSONObjectIndex.key($0, in: self.payload), value: JSONObjectIndex.value($0, in: self.payload))
            })
    }

    /// The claim named `name`, raw.
    public subscript(name: String) -> JSONValue? {
        guard let slot = self.index.slot(named: name, in: self.payload) else { return nil }
        return JSONObjectIndex.value(slot, in: self.payload)
    }

    /// Whether the claim `name` is present.
    public func contains(_ name: String) -> Bool { self.index.slot(named: name, in: self.payload) != nil }

    /// Whether the string claim `name` equals `text` code point for code point (no Unicode
    /// normalization, RFC 7519 §2), compared without building the claim.
    public func claim(_ name: String, equals text: String) -> Bool {
        guard let slot = self.index.slot(named: name, in: self.payload) else { return false }
        return JSONObjectIndex.stringValue(slot, in: self.payload, equals: text)
    }

    /// ``claim(_:equals:)`` for `iss`, without the search by name.
    func issuer(equals text: String) -> Bool {
        guard let position = self.issuerSlot else { return false }
        return JSONObjectIndex.stringValue(self.index.slots[position], in: self.payload, equals: text)
    }

    /// Whether `aud` is `audience` or an array containing it, code point for code point, compared
    /// without building the claim.
    public func audienceContains(_ audience: String) -> Bool {
        guard let position = self.audienceSlot else { return false }
        let slot = self.index.slots[position]
        if slot.first == UInt8(ascii: "\"") { return JSONObjectIndex.stringValue(slot, in: self.payload, equals: audience) }
        // Code point for code point, as JSONObjectIndex.stringValue(_:in:equals:) compares (RFC 7519 §2).
        let values = JSONObjectIndex.value(slot, in: self.payload).arrayValue ?? []
        return values.contains { $0.stringValue.map { ExactText.equal($0, audience) } ?? false }
    }

    /// Equal when the claims are equal as JSON (member order and spacing aside from values' order).
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.all == rhs.all }

    /// Hashes the claims as JSON.
    public func hash(into hasher: inout Hasher) { hasher.combine(self.all) }

    private static func numericDate(_ slot: JSONObjectIndex.Slot, _ payload: [UInt8], _ name: String) throws -> Double {
        guard let number = JSONObjectIndex.number(slot, in: payload), number.isFinite else {
            throw JOSEError.invalidClaim(reason: "\"\(name)\" is not a NumericDate")
        }
        return number
    }

    private static func isAudience(_ slot: JSONObjectIndex.Slot, _ payload: [UInt8]) -> Bool {
        if slot.first == UInt8(ascii: "\"") { return true }
        guard case .array(let values) = JSONObjectIndex.value(slot, in: payload) else { return false }
        return values.allSatisfy { $0.stringValue != nil }
    }
}
