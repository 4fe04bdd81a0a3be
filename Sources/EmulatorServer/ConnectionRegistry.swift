import NIOConcurrencyHelpers
import NIOCore

/// The connections `serve` holds, oldest first, so their number stays bounded: at the
/// limit a new connection replaces the oldest one whose request has not arrived yet (a
/// slow or idle client), and is refused only when every held connection is being answered.
final class ConnectionRegistry: Sendable {
    private struct Held {
        let channel: Channel
        var requestArrived = false
    }
    private let limit: Int
    private let held = NIOLockedValueBox([ObjectIdentifier: Held]())
    private let order = NIOLockedValueBox([ObjectIdentifier]())

    init(limit: Int) { self.limit = max(1, limit) }

    var count: Int { held.withLockedValue { $0.count } }

    /// Takes `channel` in (true), closing the connection it replaces, or refuses it (false).
    func admit(_ channel: Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let (admitted, evicted) = held.withLockedValue { held -> (Bool, Channel?) in
            order.withLockedValue { order in
                var evicted: Channel? = nil
                if held.count >= limit {
                    guard let index = order.firstIndex(where: { held[$0]?.requestArrived == false }) else { return (false, nil) }
                    let oldest = order.remove(at: index)
                    evicted = held.removeValue(forKey: oldest)?.channel
                }
                held[id] = Held(channel: channel)
                order.append(id)
                return (true, evicted)
            }
        }
        evicted?.close(promise: nil)
        if admitted {
            channel.closeFuture.whenComplete { [self] _ in remove(id) }
        }
        return admitted
    }

    /// The connection's request head has arrived: it is being answered, not evicted.
    func requestArrived(_ channel: Channel) {
        let id = ObjectIdentifier(channel)
        held.withLockedValue { $0[id]?.requestArrived = true }
    }

    private func remove(_ id: ObjectIdentifier) {
        held.withLockedValue { held in
            guard held.removeValue(forKey: id) != nil else { return }
            order.withLockedValue { order in order.removeAll { $0 == id } }
        }
    }
}
