import ArgumentParser
import ChatCore
import ChatWire
import Config
import CurlTransport
import EmulatorServer
import Foundation
import History

/// `cachechat balance`: the account's balance (`GET /user/balance`), kept as a reading in
/// the history and compared with the ledger since the previous reading.
struct BalanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "balance",
        abstract: "Show the account's balance (granted and topped up) and compare its drop with the ledger.",
        discussion: """
            Each reading is kept in the history; when the balance fell by more than 5% more or less \
            than the ledger's cost of the requests since the previous reading, a warning says so. \
            `cachechat stats --reconcile` lists the readings.
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Print the server's answer as JSON (is_available, balance_infos).")
    var json = false

    @Flag(name: .customLong("no-save"), help: "Do not keep this reading in the history.")
    var noSave = false

    func run() throws {
        let settings = try connection.resolve()
        let (endpoint, localServer) = try LocalEmulator.endpoint(for: settings, quiet: json)
        defer { localServer?.stop() }

        let transport = CurlTransport()
        let call = BalanceCall(endpoint: endpoint, transport: transport)
        call.start { _ in }
        while call.result == nil { _ = transport.poll(timeout: 1, extraFD: nil) }
        let balance: Balance
        switch call.result! {
        case .failure(let error):
            Terminal.errorLine("cachechat: \(error.message)")
            throw ExitStatus(error)
        case .success(let value):
            balance = value
        }
        let now = Date()
        let readings = balance.readings(at: now, endpointHost: Endpoint.host(of: endpoint.baseURL))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            Terminal.write(String(decoding: try encoder.encode(balance), as: UTF8.self) + "\n")
        } else {
            for reading in readings { Terminal.write("\(reading.currency)  \(reading.text())\n") }
            if balance.isAvailable == false { Terminal.write("Not available: the balance cannot pay for a request.\n") }
        }
        guard !noSave, let store = HistoryStore.openForWriting() else { return }
        for reading in readings {
            let previous = try? store.balanceReadings(endpointHost: reading.endpointHost, limit: 50)
                .last { $0.currency == reading.currency }
            do {
                try store.recordBalance(reading)
            } catch {
                Terminal.errorLine("cachechat: warning: the reading was not kept: \(error)")
            }
            if let previous, let ledger = try? store.ledgerEntries(LedgerFilter(since: previous.time, until: reading.time)),
               let message = BalanceCheck(from: previous, to: reading, ledger: ledger).message {
                Terminal.errorLine("cachechat: warning: \(message)")
            }
        }
    }
}
