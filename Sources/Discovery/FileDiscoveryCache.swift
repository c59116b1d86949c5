// SPDX-License-Identifier: Apache-2.0
import Dispatch
import JOSE

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A ``DiscoveryCache`` that keeps one JSON file per entry in a directory, so that several processes
/// on a host (or a fleet sharing a volume) share documents and key sets, and a restarted process has
/// its last good copies before its first fetch.
///
/// Files are written to a temporary name and renamed, so a reader never sees half an entry. A file
/// that cannot be read, names another key or is larger than ``maximumFileBytes`` is a miss. File I/O
/// runs on a Dispatch queue, never on Swift's cooperative pool.
public struct FileDiscoveryCache: DiscoveryCache {
    /// The directory holding the entries.
    public let directory: String
    /// The largest entry file read.
    public static let maximumFileBytes = 4 * 1024 * 1024

    /// Uses `directory`, creating it (with permissions 0700) when it does not exist.
    /// - Throws: the file system's error when the directory cannot be created.
    public init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// The entry stored under `key`, or `nil`.
    public func entry(forKey key: String) async -> DiscoveryCacheEntry? {
        let path = self.path(forKey: key)
        return await Self.offPool { () -> DiscoveryCacheEntry? in
            guard let data = FileManager.default.contents(atPath: path), data.count <= Self.maximumFileBytes else {
                return nil
            }
            let limits = JSONParser.Limits(maxBytes: Self.maximumFileBytes, maxDepth: 4, maxValues: 16)
            guard let object = try? JSONParser(limits: limits).parseObject([UInt8](data)),
                object["key"]?.stringValue == key,
                let fetchedAt = object["fetched_at"]?.numberValue, let expiresAt = object["expires_at"]?.numberValue,
                let encoded = object["body"]?.stringValue, let body = try? Base64URL.decode(encoded)
            else { return nil }
            return DiscoveryCacheEntry(body: body, fetchedAt: fetchedAt, expiresAt: expiresAt)
        }
    }

    /// Stores `entry` under `key`; a failure to write is ignored (the entry is simply not shared).
    public func store(_ entry: DiscoveryCacheEntry, forKey key: String) async {
        let path = self.path(forKey: key)
        let object: JSONObject = [
            "key": .string(key), "fetched_at": .number(entry.fetchedAt), "expires_at": .number(entry.expiresAt),
            "body": .string(Base64URL.encode(entry.body)),
        ]
        let bytes = object.serialized()
        await Self.offPool {
            try? Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        }
    }

    /// `<directory>/<16 hex digits of the key's FNV-1a hash>.json`.
    func path(forKey key: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return self.directory + "/" + String(repeating: "0", count: 16 - hex.count) + hex + ".json"
    }

    private static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: body()) }
        }
    }
}
