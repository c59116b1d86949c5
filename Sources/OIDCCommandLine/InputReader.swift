// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Reads the files and standard input the commands take, with size limits.
enum InputReader {
    /// The largest file or standard input accepted (1 MiB).
    static let maxBytes = 1024 * 1024

    /// Reads a whole file.
    /// - Throws: ``CommandFailure`` (exit 2) when it cannot be read or is too large.
    static func file(_ path: String, what: String) throws -> [UInt8] {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw CommandFailure.usage("cannot read \(what) \(path): no such readable file")
        }
        defer { try? handle.close() }
        return try self.read(handle, what: "\(what) \(path)")
    }

    /// Reads all of standard input.
    static func standardInput(what: String) throws -> [UInt8] {
        try self.read(FileHandle.standardInput, what: what)
    }

    /// A token given as an argument, or `-` for standard input; surrounding whitespace is removed.
    static func token(_ argument: String) throws -> String {
        let text = argument == "-" ? String(decoding: try self.standardInput(what: "token"), as: UTF8.self) : argument
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func read(_ handle: FileHandle, what: String) throws -> [UInt8] {
        let data: Data?
        do {
            data = try handle.read(upToCount: self.maxBytes + 1)
        } catch {
            throw CommandFailure.usage("cannot read \(what)")
        }
        let bytes = [UInt8](data ?? Data())
        guard bytes.count <= self.maxBytes else {
            throw CommandFailure.usage("\(what) is larger than \(self.maxBytes) bytes")
        }
        return bytes
    }
}
