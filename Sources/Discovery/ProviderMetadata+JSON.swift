// SPDX-License-Identifier: Apache-2.0
public import JOSE

extension ProviderMetadata {
    /// Parses a metadata document, checking the type of every registered member.
    ///
    /// A registered member whose value is `null` is treated as absent. Nothing is validated beyond
    /// types: see ``validated(expectedIssuer:allowInsecureLoopback:requiredFields:)``.
    /// - Parameter json: the UTF-8 document, at most `JSONParser.Limits.document` (1 MiB).
    /// - Throws: ``DiscoveryError/Code/invalidDocument`` when the bytes are not a JSON object within the
    ///   limits, ``DiscoveryError/Code/missingField`` without `issuer` or `response_types_supported`,
    ///   ``DiscoveryError/Code/invalidField`` naming a member of the wrong type.
    public init(json: [UInt8]) throws {
        let object: JSONObject
        do {
            object = try JSONParser(limits: .document).parseObject(json, what: "provider metadata")
        } catch let error as JOSEError {
            throw DiscoveryError.invalidDocument(reason: "provider metadata: \(error.reason)")
        }
        try self.init(jsonObject: object)
    }

    /// Reads metadata from a parsed JSON object; see ``init(json:)``.
    /// - Throws: ``DiscoveryError/Code/missingField`` or ``DiscoveryError/Code/invalidField``.
    public init(jsonObject object: JSONObject) throws {
        guard let issuerValue = object["issuer"] else {
            throw DiscoveryError.missingField(reason: "\"issuer\" is missing")
        }
        guard case .string(let issuer) = issuerValue else {
            throw DiscoveryError.invalidField(reason: "\"issuer\" is not a string")
        }
        guard let responseTypesValue = object["response_types_supported"] else {
            throw DiscoveryError.missingField(reason: "\"response_types_supported\" is missing")
        }
        let responseTypes = try Self.strings(responseTypesValue, name: "response_types_supported")
        self.init(issuer: issuer, responseTypesSupported: responseTypes)
        let index = Self.fieldIndex
        for member in object {
            guard let field = index[member.key] else {
                self.otherMembers[member.key] = member.value
                continue
            }
            let name = member.key
            let value = member.value
            switch field {
            case .issuer, .responseTypes: continue
            case .issParameter:
                guard !value.isNull else { continue }
                guard case .bool(let flag) = value else { throw Self.wrongType(name, "a Boolean") }
                self.authorizationResponseIssParameterSupported = flag
            case .url(let keyPath, _), .text(let keyPath):
                guard !value.isNull else { continue }
                guard case .string(let text) = value else { throw Self.wrongType(name, "a string") }
                self[keyPath: keyPath] = text
            case .strings(let keyPath):
                guard !value.isNull else { continue }
                self[keyPath: keyPath] = try Self.strings(value, name: name)
            case .flag(let keyPath):
                guard !value.isNull else { continue }
                guard case .bool(let flag) = value else { throw Self.wrongType(name, "a Boolean") }
                self[keyPath: keyPath] = flag
            case .urlMap:
                guard !value.isNull else { continue }
                guard case .object(let aliases) = value else { throw Self.wrongType(name, "an object") }
                var map: [String: String] = [:]
                for alias in aliases {
                    guard case .string(let url) = alias.value else {
                        throw Self.wrongType("\(name).\(alias.key)", "a string")
                    }
                    map[alias.key] = url
                }
                self.mtlsEndpointAliases = map
            }
        }
    }

    /// Every member, the typed ones first (in registry order), then ``otherMembers``.
    public var jsonObject: JSONObject {
        var object = JSONObject()
        for (name, field) in Self.fields {
            switch field {
            case .issuer: object[name] = .string(self.issuer)
            case .responseTypes: object[name] = .array(self.responseTypesSupported.map(JSONValue.string))
            case .issParameter:
                if self.authorizationResponseIssParameterSupported { object[name] = .bool(true) }
            case .url(let keyPath, _), .text(let keyPath):
                if let text = self[keyPath: keyPath] { object[name] = .string(text) }
            case .strings(let keyPath):
                if let values = self[keyPath: keyPath] { object[name] = .array(values.map(JSONValue.string)) }
            case .flag(let keyPath):
                if let flag = self[keyPath: keyPath] { object[name] = .bool(flag) }
            case .urlMap:
                if let aliases = self.mtlsEndpointAliases {
                    object[name] = .object(
                        JSONObject(
                            aliases.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: .string($0.value)) }))
                }
            }
        }
        for member in self.otherMembers where object[member.key] == nil { object[member.key] = member.value }
        return object
    }

    /// The document as compact JSON bytes.
    public func serialized() -> [UInt8] { self.jsonObject.serialized() }

    private static func strings(_ value: JSONValue, name: String) throws -> [String] {
        guard case .array(let elements) = value else { throw Self.wrongType(name, "an array of strings") }
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let string) = element else { throw Self.wrongType(name, "an array of strings") }
            strings.append(string)
        }
        return strings
    }

    private static func wrongType(_ name: String, _ expected: String) -> DiscoveryError {
        DiscoveryError.invalidField(reason: "\"\(name)\" is not \(expected)")
    }
}
