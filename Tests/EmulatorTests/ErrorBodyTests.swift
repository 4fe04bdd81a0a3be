import Foundation
import Testing
@testable import EmulatorServer

/// `serve`'s error bodies quote what a client sent (the 404's path): the JSON encoder
/// builds them, so no quote or backslash can break out (hardening II, item 19).
@Suite("serve error bodies")
struct ErrorBodyTests {
    @Test func aHostilePathStaysInsideTheMessage() throws {
        let path = #"/x","type":"pwned","injected":{"a":"\u0000"#
        let body = EmulatorHTTPHandler.error("No endpoint \(path).")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(object.keys.sorted() == ["error"])
        let error = try #require(object["error"] as? [String: Any])
        #expect(error["message"] as? String == "No endpoint \(path).")
        #expect(error["type"] as? String == "invalid_request_error")
        #expect(error["param"] is NSNull)
    }
}
