import Foundation
import Glibc
import TestSupport
import Testing

/// What a user who is not root gets. The suite runs as root in CI, where a privilege the
/// program needs by mistake is always there: these tests take it away.
@Suite("Without root's privileges")
struct OrdinaryUserTests {
    /// As root: the child keeps uid 0 (it can read the build) but loses CAP_NET_ADMIN, as
    /// every other user has it. As anyone else: nothing to take away.
    static var withoutNetworkAdministration: [String] {
        guard getuid() == 0 else { return [] }
        guard let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { return [] }
        return [setpriv, "--bounding-set=-net_admin"]
    }

    /// The built-in endpoint's server set TCP_NODELAY at the socket level, where its number
    /// is SO_DEBUG (CAP_NET_ADMIN only): for anyone but root every connection was closed, and
    /// the first question of a new user failed with "The server closed the connection".
    @Test func theBuiltInEndpointAnswersAUserWithoutNetworkAdministrationRights() throws {
        let home = try CachechatProcess.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let result = try CachechatProcess.run(["ask", "--no-save", "Hello there"],
                                              environment: CachechatProcess.environment(home: home),
                                              through: Self.withoutNetworkAdministration)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.isEmpty)
        #expect(!result.stderr.contains("closed the connection"))
    }
}
