// SPDX-License-Identifier: Apache-2.0
import Dispatch
import Foundation
public import JOSE
import Synchronization

/// What every fuzz target needs besides the library: the input as bytes, a way to run async code from
/// libFuzzer's synchronous callback, and the test vectors of `Tests/JOSETests/Vectors`.
public enum Fuzz {
    /// The input libFuzzer hands `LLVMFuzzerTestOneInput`, copied.
    public static func bytes(_ start: UnsafeRawPointer?, _ count: Int) -> [UInt8] {
        guard let start, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: start, count: count))
    }

    /// Runs `body` to completion and returns its result. libFuzzer calls targets on the main thread,
    /// never on the cooperative pool, so blocking here starves nothing.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            let value = await body()
            result.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        return result.withLock { $0.take()! }
    }

    /// Fails the run (libFuzzer saves the input as a crash) when `condition` does not hold: a property
    /// of the parser was broken, though nothing crashed.
    public static func check(
        _ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
    ) {
        if !condition { fatalError("property violated: \(message())", file: file, line: line) }
    }

    /// `Tests/JOSETests/Vectors`, found from this file's path at compile time (fuzzers run from a checkout).
    public static let vectorDirectory = URL(filePath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "JOSETests/Vectors")

    /// A vector file, parsed.
    public static func vector(_ relativePath: String) -> JSONValue {
        let url = vectorDirectory.appending(path: relativePath)
        guard let data = try? Data(contentsOf: url), let value = try? JSONParser().parse([UInt8](data)) else {
            fatalError("cannot read the vector \(url.path)")
        }
        return value
    }

    /// The public keys of RFC 7515 A.2 (RS256, kid "rsa"), A.3 (ES256, kid "ec"), A.4 (ES512) and RFC 8037 A.2
    /// (Ed25519, kid "ed"), and those without a kid: tokens of the RFC examples verify with them.
    public static let publicKeys: JWKSet = {
        var keys: [JWK] = []
        for (file, member, keyID) in [
            ("rfc/rfc7515_a2_rs256.json", "jwk_public", "rsa"), ("rfc/rfc7515_a3_es256.json", "jwk_public", "ec"),
            ("rfc/rfc7515_a4_es512.json", "jwk_public", "ec512"),
            ("rfc/rfc8037_ed25519.json", "A.2_public_jwk", "ed"),
        ] {
            guard let object = vector(file)[member]?.objectValue, var jwk = try? JWK(jsonObject: object) else {
                fatalError("no \(member) in \(file)")
            }
            keys.append(jwk)
            jwk.keyID = keyID
            keys.append(jwk)
        }
        return JWKSet(keys: keys)
    }()

    /// The HMAC key of RFC 7515 A.1.
    public static let hmacKeys: JWKSet = {
        guard let object = vector("rfc/rfc7515_a1_hs256.json")["jwk"]?.objectValue,
            let jwk = try? JWK(jsonObject: object)
        else { fatalError("no jwk in rfc7515_a1_hs256.json") }
        return JWKSet(keys: [jwk])
    }()
}
