import ChatCore
import ChatWire
import Config
import Foundation
import TerminalUI

extension AppRuntime {
    /// Performs one effect; what it produced comes back through `dispatch`.
    func perform(_ effect: Effect) {
        performOne(effect)
        switch effect {
        case .listFewShots, .saveFewShot, .fewShotFile: refreshFewShotNames()
        default: break
        }
    }

    private func performOne(_ effect: Effect) {
        switch effect {
        case .openLatest:
            do {
                if let latest = try history.listConversations(includeArchived: false, limit: 1).first {
                    perform(.openConversation(latest.conversation.id))
                } else {
                    dispatch(.result(.openedEmpty))
                }
            } catch {
                dispatch(.result(.failure("Could not read the history: \(error)")))
                dispatch(.result(.openedEmpty))
            }
        case .openConversation(let id):
            dispatch(.result(open(id)))
        case .saveQuestion(let text, let conversation, let create, let ordinal, let serial, let attachments, let entry, let after,
                           let backlog, let target):
            // What the history refused before is stored first, in order; while the open
            // conversation's own earlier saves are refused, the question waits in memory
            // behind them (never stored before them).
            let retried = Self.retry(backlog)
            let waiting = target.flatMap { target in retried.left.contains { $0.target === target } ? retried.problem : nil }
            let saved = RequestRunner.saveQuestion(text, conversation: conversation ?? target?.conversation,
                                                   create: create, history: history, ordinal: ordinal, serial: serial,
                                                   now: clock.now(), attachments: attachments, after: target?.lastStored ?? after,
                                                   behind: target, waiting: waiting)
            let still = retried.left + [saved.pending].compactMap { $0 }
            if let changed = saved.changed {
                if !retried.left.isEmpty { dispatch(.result(.savesRetried(saved: retried.saved, failed: retried.left, problem: retried.problem))) }
                dispatch(.result(.conversationChanged(changed)))
            } else {
                dispatch(.result(.questionSaved(saved.message, record: saved.record ?? target?.created, problem: saved.problem,
                                                batchEntry: entry, waiting: still, target: saved.pending?.target)))
            }
        case .loadAttachments(let paths, let purpose):
            dispatch(.result(loadAttachments(paths, purpose: purpose)))
        case .checkAttachments(let attachments, let send):
            var loader = AttachmentLoader(readStandardInput: { Data() })
            loader.byteLimit = min(AttachmentLoader.byteLimit, logic.contextLimit(model: state.conversation.model) * 32)
            let onDisk = attachments.map { attachment in
                attachment.path.flatMap { try? loader.loadFile($0, name: attachment.name) } ?? (attachment.path == nil ? attachment : nil)
            }
            dispatch(.result(.attachmentsOnDisk(onDisk, then: send)))
        case .retrySaves(let replies):
            let retried = Self.retry(replies)
            dispatch(.result(.savesRetried(saved: retried.saved, failed: retried.left, problem: retried.problem)))
        case .saveAttachments(let id, let attachments):
            attempt("Could not save the attachment list (it applies until you leave this conversation)") {
                try history.setAttachments(attachments, of: id)
                return nil
            }
        case .send(let plan, let token):
            // Earlier messages of its conversation wait to be stored: the reply goes after them.
            runs[token] = runner.start(plan, behind: logic.waitingTarget(state)) { [weak self] event in
                if case .finished = event { self?.runs[token] = nil }
                self?.dispatch(.turn(token: token, event))
            }
        case .cancel(let token):
            if let run = runs[token] { runner.cancel(run) }
        case .deleteMessage(let id):
            attempt("Could not remove the old reply") {
                try history.deleteLastMessage(id)
                return .messageDeleted(id)
            }
        case .updateConversation(let record):
            attempt("Could not save the conversation's settings (they apply until you leave it)") {
                try history.updateConversation(record)
                return nil
            }
        case .rename(let id, let title):
            attempt("Could not rename") {
                try history.renameConversation(id, to: title)
                return .renamed(id, title)
            }
        case .deleteConversation(let id):
            attempt("Could not delete") {
                try history.deleteConversation(id)
                return .conversationDeleted(id)
            }
        case .fork(let id, let ordinal, let title, let draft, let regenerate):
            attempt("Could not fork") {
                let fork = try history.forkConversation(id, atOrdinal: ordinal, title: title)
                guard case .opened(let state, _, _, let problem) = open(fork.id) else { return .failure("Could not open the fork.") }
                if let problem { dispatch(.result(.failure(problem))) }
                return .forked(state, draft: draft, regenerate: regenerate)
            }
        case .refreshTotals(let id):
            attempt("Could not read the ledger") {
                let conversation = try id.map { try history.ledgerTotals(LedgerFilter(conversation: $0)) } ?? StatsSummary()
                let recent = try id.map { try history.recentLedgerEntries(LedgerFilter(conversation: $0), limit: 60) } ?? []
                return .totals(conversation: conversation, allTime: try history.ledgerTotals(LedgerFilter()), recent: recent)
            }
            if logic.environment.budget != nil {
                attempt("Could not read the ledger") {
                    let starts = Budget.periodStarts(at: clock.now(), in: logic.environment.localZone)
                    let currency = logic.environment.currency.rawValue
                    // The built-in endpoint's requests cost nothing real.
                    let today = try history.ledgerTotals(LedgerFilter(since: starts.day, excludingEndpointName: Endpoint.builtInName))
                        .cost(in: currency)?.cost ?? 0
                    let month = try history.ledgerTotals(LedgerFilter(since: starts.month, excludingEndpointName: Endpoint.builtInName))
                        .cost(in: currency)?.cost ?? 0
                    return .spent(today: today, month: month)
                }
            }
        case .listConversations:
            attempt("Could not list the conversations") {
                .conversationList(try history.listConversations(includeArchived: false, limit: AppLogic.conversationListLimit))
            }
        case .searchConversations(let text):
            attempt("Could not search the conversations") {
                let query = SearchQuery(text)
                let matches = query.isEmpty
                    ? try history.listConversations(includeArchived: false, limit: AppLogic.conversationListLimit)
                        .map(ConversationMatch.init(listed:))
                    : try history.searchConversations(query, limit: AppLogic.conversationSearchLimit)
                return .conversationSearch(query: text, matches)
            }
        case .export(let id, let format, let path, let name, let replace, let documents):
            var target = path.map { Paths.expandingTilde($0) } ?? exportDirectory + "/" + name
            if path == nil {
                try? FileManager.default.createDirectory(atPath: exportDirectory, withIntermediateDirectories: true)
            }
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory)
            if exists, isDirectory.boolValue { target = URL(fileURLWithPath: target).appendingPathComponent(name).path }
            if !replace, FileManager.default.fileExists(atPath: target) {
                dispatch(.result(.exportWouldReplace(id, format, path: target, documents: documents)))
                return
            }
            attempt("Could not export to \(target)") {
                let text = try history.export(id, format: format, documents: documents)
                do {
                    // Private like the history it comes from (0600), written whole or not at all.
                    try Data(text.utf8).write(to: URL(fileURLWithPath: target), options: .atomic)
                    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target)
                } catch {
                    return .failure("Could not export to \(target): \(Self.fileProblem(error)).")
                }
                return .info("Exported to \(target).")
            }
        case .stats:
            attempt("Could not read the ledger") { .statistics(try history.ledgerTotals(LedgerFilter())) }
        case .copy(let text, let what):
            let outcome = clipboard.copy(text, what: what) { device.writeControl($0) }
            dispatch(.result(outcome.fellBack ? .warning(outcome.message) : .info(outcome.message)))
        case .editInEditor(let text):
            let (edited, problem) = ExternalEditor.edit(text, command: logic.environment.editorCommand, device: device)
            dispatch(.result(.editedDraft(edited, problem: problem)))
        case .fetchModels:
            var body: [UInt8] = []
            var status = 0
            let request = HTTPRequest(method: "GET", url: runner.endpoint.url("/models"), headers: runner.endpoint.headers,
                                      connectTimeout: 5, idleTimeout: 10, retry: RetryPolicy(maxAttempts: 1))
            _ = transport.start(request) { [weak self] event in
                switch event {
                case .head(let code, _): status = code
                case .body(let bytes): if body.count < 1 << 20 { body += bytes }
                case .finished:
                    if (200..<300).contains(status), let list = try? JSONDecoder().decode(ModelList.self, from: Data(body)) {
                        self?.dispatch(.result(.models(list.ids.filter { !$0.isEmpty && $0.count < 200 })))
                    }
                case .retrying, .failed: break
                }
            }
        case .fetchBalance:
            let call = BalanceCall(endpoint: runner.endpoint, transport: transport)
            let currency = logic.environment.currency.rawValue
            call.start(now: { [clock] in clock.now() }) { [weak self] result in
                guard let self else { return }
                guard case .success(let balance) = result,
                      let reading = Self.preferred(balance.readings(at: clock.now(), endpointHost: Endpoint.host(of: runner.endpoint.baseURL)),
                                                   currency: currency)
                else { return dispatch(.result(.balanceNotRefreshed)) }
                dispatch(.result(.balance(Self.reconcile(reading, history: history))))
            }
        case .saveRemembered(let remembered):
            if let problem = rememberedStore.save(remembered) { dispatch(.result(.warning(problem))) }
        case .mouseReporting(let on):
            device.writeControl(on ? "\u{1B}[?1000h\u{1B}[?1006h" : "\u{1B}[?1006l\u{1B}[?1000l")
        case .applyTheme(let name):
            applyTheme(name)
            dispatch(.result(.themeApplied(name)))
        case .loadFewShot(let name, let mode):
            withLibrary { library in
                let set = try library.load(name)
                try library.archive(set)
                return .fewShotLoaded(set, mode)
            }
        case .listFewShots:
            withLibrary { library in
                .fewShotList(library.names().map { name in
                    if let set = try? library.load(name) {
                        return (name, "\(set.shots.count) shots · v\(set.contentVersion.prefix(6))" + (set.description.isEmpty ? "" : " · \(set.description)"))
                    }
                    return (name, "broken file: /fewshot edit \(name) shows why")
                })
            }
        case .editFewShot(let name):
            withLibrary { library in
                let set = try library.load(name)
                let using = (try? history.fewShotUsage(name: name))?.values.reduce(0, +) ?? 0
                return .fewShotForEditing(set, conversationsUsing: using)
            }
        case .saveFewShot(let set, _):
            withLibrary { library in
                _ = try library.save(set)
                try library.archive(set)
                return .fewShotSaved(set)
            }
        case .fewShotFile(let operation):
            withLibrary { library in try fewShotFile(operation, library) }
        case .repaint:
            device.invalidate()
        case .suspendProgram:
            // A reply in flight goes on arriving while stopped (the socket buffers it).
            device.suspend()
            device.stopUntilContinued()
            device.resume()
            dispatch(.resized(device.size))
        case .crash:
            // Tests only (CACHECHAT_TEST_TRAP=1): a Swift runtime trap, to check that the
            // terminal is restored and nothing secret is printed when the program crashes.
            fatalError("cachechat: deliberate crash for tests (/crash-test with CACHECHAT_TEST_TRAP=1)")
        }
    }

    /// Reads the files `/attach` or a message's `@path` words name. For `@path`, words
    /// that name no file are plain text (trailing punctuation is tried without, too).
    func loadAttachments(_ paths: [String], purpose: AttachPurpose) -> EffectResult {
        var loader = AttachmentLoader(readStandardInput: { Data() })
        // No text is more than 32 bytes a token: a larger file cannot fit, refused unread.
        let limit = logic.contextLimit(model: state.conversation.model)
        loader.byteLimit = min(AttachmentLoader.byteLimit, limit * 32)
        loader.byteLimitReason = "more than a \(Formatting.grouped(limit))-token context window can hold"
        var existing: [String] = paths
        var missing: [String] = []
        if case .mentions = purpose {
            existing = paths.compactMap { word in
                var candidate = word
                while !candidate.isEmpty {
                    if FileManager.default.fileExists(atPath: Paths.expandingTilde(candidate)) { return candidate }
                    guard let last = candidate.last, ",.;:!?)]}\"'".contains(last) else { break }
                    candidate.removeLast()
                }
                // A word that looks like a path is said; "@everyone" is just text.
                if word.contains("/") || word.contains(".") || word.hasPrefix("~") {
                    missing.append("@\(AttachmentLoader.displayName(word)) is not a file: sent as text")
                }
                return nil
            }
        }
        do {
            let loaded = try loader.load(existing.map { Paths.expandingTilde($0) })
            return .attachmentsLoaded(loaded, skipped: missing + loader.skipped, purpose)
        } catch {
            return .attachmentsFailed("\(error)", purpose)
        }
    }

    /// Runs saves the history refused, in order. Within one conversation (one target) it
    /// stops at the first refused again, so that its messages stay in order; the other
    /// conversations' saves are still tried. Returns how many were stored, those left (in
    /// their order) and the first problem.
    static func retry(_ saves: [AppState.UnsavedSave]) -> (saved: Int, left: [AppState.UnsavedSave], problem: String?) {
        var stopped: [SaveTarget] = []
        var left: [AppState.UnsavedSave] = []
        var problem: String?
        var saved = 0
        for save in saves {
            if let target = save.target, stopped.contains(where: { $0 === target }) {
                left.append(save)
                continue
            }
            if let refused = save.retry() {
                left.append(save)
                problem = problem ?? refused
                if let target = save.target { stopped.append(target) }
            } else {
                saved += 1
            }
        }
        return (saved, left, problem)
    }

    /// Reads a conversation with what its panel and marks need.
    func open(_ id: ConversationID) -> EffectResult {
        do {
            guard let record = try history.conversation(id) else { return .failure("Conversation \(id) no longer exists.") }
            let messages = try history.messages(in: id)
            let attachments = try history.attachments(of: id)
            let library = fewShots
            let conversation = ConversationState.restore(record, messages: messages, attachments: attachments) { name, version in
                library?.archivedVersion(name: name, version: version)
            }
            var problem: String?
            if let missing = conversation.missingFewShot {
                problem = "Few-shot set `\(missing.name)` version \(missing.version ?? "?") is gone; this conversation is sent without it."
            }
            let recent = try history.recentLedgerEntries(LedgerFilter(conversation: id), limit: 60)
            return .opened(conversation, lastRequest: recent.last, recent: recent, problem: problem)
        } catch {
            return .failure("Could not read conversation \(id) from the history: \(error)")
        }
    }

    private func fewShotFile(_ operation: FewShotFileOperation, _ library: FewShotLibrary) throws -> EffectResult {
        switch operation {
        case .create(let name):
            guard !library.exists(name) else { return .failure("A set named `\(name)` exists; /fewshot edit \(name).") }
            let set = FewShotSet(name: name, system: "You are a helpful assistant. Answer like the examples.",
                                 shots: [FewShotSet.Shot(user: "Example question", assistant: "Example answer")])
            _ = try library.save(set)
            return .fewShotForEditing(set, conversationsUsing: 0)
        case .duplicate(let name, let newName):
            guard !library.exists(newName) else { return .failure("A set named `\(newName)` exists.") }
            var set = try library.load(name)
            set.name = newName
            _ = try library.save(set)
            return .info("Duplicated `\(name)` as `\(newName)`.")
        case .rename(let name, let newName):
            _ = try library.rename(name, to: newName)
            return .info("Renamed `\(name)` to `\(newName)`. Conversations keep the version they started with.")
        case .delete(let name):
            try library.delete(name)
            return .info("Few-shot set `\(name)` deleted (its versions stay archived).")
        }
    }

    /// A file error in words: "permission denied", "the disk is full", not a Cocoa domain.
    static func fileProblem(_ error: Error) -> String {
        let posix = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError).flatMap { $0.domain == NSPOSIXErrorDomain ? $0.code : nil }
        if let posix { return String(cString: strerror(Int32(posix))).lowercased() }
        switch (error as? CocoaError)?.code {
        case .fileWriteNoPermission?, .fileReadNoPermission?: return "permission denied"
        case .fileWriteOutOfSpace?: return "the disk is full"
        case .fileNoSuchFile?, .fileReadNoSuchFile?: return "the folder does not exist"
        case .fileWriteVolumeReadOnly?: return "the disk is read-only"
        default: return error.localizedDescription
        }
    }

    private func attempt(_ what: String, _ body: () throws -> EffectResult?) {
        do {
            if let result = try body() { dispatch(.result(result)) }
        } catch {
            dispatch(.result(.failure("\(what): \(error)")))
        }
    }

    private func withLibrary(_ body: (FewShotLibrary) throws -> EffectResult) {
        guard let fewShots else {
            dispatch(.result(.failure("Few-shot sets are not available here.")))
            return
        }
        attempt("Few-shot sets") { try body(fewShots) }
    }

    /// The reading in the display currency, else the first.
    static func preferred(_ readings: [BalanceReading], currency: String) -> BalanceReading? {
        readings.first { $0.currency.uppercased() == currency.uppercased() } ?? readings.first
    }

    /// Keeps `reading` and compares it with the previous one of the same account and
    /// currency over the ledger's requests in between.
    static func reconcile(_ reading: BalanceReading, history: ChatHistory) -> BalanceStatus {
        let previous = (try? history.balanceReadings(endpointHost: reading.endpointHost, limit: 50))?
            .last { $0.currency == reading.currency }
        _ = try? history.recordBalance(reading)
        guard let previous, let ledger = try? history.ledgerEntries(LedgerFilter(since: previous.time, until: reading.time)) else {
            return BalanceStatus(reading: reading, mismatch: nil)
        }
        return BalanceStatus(reading: reading, mismatch: BalanceCheck(from: previous, to: reading, ledger: ledger).message)
    }
}
