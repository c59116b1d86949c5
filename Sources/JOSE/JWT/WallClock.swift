// SPDX-License-Identifier: Apache-2.0
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Wall-clock time for NumericDate checks.
public enum WallClock {
    /// The current time in seconds since the Unix epoch.
    public static func secondsSinceEpoch() -> Double { Date().timeIntervalSince1970 }
}
