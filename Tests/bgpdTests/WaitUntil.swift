import Foundation
import Testing

/// Polls `condition` every 100 ms until it holds (true) or `seconds` pass (false, with the
/// failure recorded under `what`): the daemon tests' way of waiting for sessions and routes.
func waitUntil(_ what: String, seconds: Double = 15, _ condition: () async -> Bool) async -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("not within \(seconds) s: \(what)")
    return false
}
