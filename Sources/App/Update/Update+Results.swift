import ChatCore
import ChatWire
import Foundation
import TerminalUI

extension AppLogic {
    func handleResult(_ state: inout AppState, _ result: EffectResult) -> [Effect] {
        switch result {
        case .opened(let conversation, let lastRequest, let recent, let problem):
            stashDraft(&state)
            state.conversation = conversation
            // The effort is a setting of the session, not stored with a conversation.
            state.conversation.reasoningEffort = state.effort ?? environment.defaultEffort
            restoreDraft(&state)
            resetConversationView(&state)
            state.scrollToBottom = true
            // The last request's plan is rendered once, for the predictor and the marks.
            let last = lastRequest.flatMap { restoredRequest(state, $0) }
            replay(&state, recent: recent, last: last.map { (lastRequest!, $0) })
            if let lastRequest { state.exchange = rebuildExchange(state, from: lastRequest, restored: last) }
            retally(&state, recent: recent)
            if let problem { warn(&state, problem) }
            return [.refreshTotals(conversation.id)]
        case .openedEmpty:
            stashDraft(&state)
            state.conversation = emptyConversation(systemPrompt: state.conversation.systemPrompt, model: state.endpointDefaultModel)
            if let effort = state.effort { state.conversation.reasoningEffort = effort }
            restoreDraft(&state)
            resetConversationView(&state)
            return [.refreshTotals(nil)]
        case .questionSaved(let message, let record, let problem, let entry, let waiting, let target):
            state.unsavedSaves += waiting
            if let target { state.conversation.saveTarget = target }
            if !waiting.isEmpty && state.nextSaveRetry == nil { state.nextSaveRetry = now + AppLogic.saveRetryInterval }
            if let entry { return batchQuestionSaved(&state, entry: entry, message, record: record, problem: problem) }
            return questionSaved(&state, message, record: record, problem: problem)
        case .attachmentsLoaded(let attachments, let skipped, let purpose):
            return attachmentsLoaded(&state, attachments, skipped: skipped, purpose: purpose)
        case .attachmentsFailed(let problem, let purpose):
            attachmentsFailed(&state, problem, purpose: purpose)
        case .attachmentsOnDisk(let onDisk, let send):
            return attachmentsOnDisk(&state, onDisk, then: send)
        case .savesRetried(let saved, let failed, let problem):
            return savesRetried(&state, failed: failed, problem: problem, saved: saved)
        case .conversationChanged(let changed):
            if state.batch != nil { return batchRefused(&state) }
            // The draft stays in the editor; Ctrl-O reopens the conversation as it is now.
            fail(&state, changed.description.replacingOccurrences(of: "Open it again", with: "Open it again (Ctrl-O)"))
            return []
        case .totals(let conversation, let allTime, let recent):
            state.totals.conversation = conversation
            state.totals.allTime = allTime
            state.totals.recent = recent
        case .conversationList(let rows):
            if rows.isEmpty {
                info(&state, "No saved conversations yet.")
            } else {
                showConversationList(&state, rows)
            }
        case .conversationSearch(let query, let matches):
            // Results for a filter since changed, or a list since closed, are dropped.
            guard case .list(var list) = state.overlay, state.listPurpose == .conversations, list.filter == query else { break }
            list.items = conversationItems(matches)
            state.overlay = .list(list)
        case .fewShotList(let entries):
            showFewShotList(&state, entries)
        case .fewShotLoaded(let set, let mode):
            return useFewShot(&state, set, mode: mode)
        case .fewShotForEditing(let set, let using):
            startEditingFewShot(&state, set, conversationsUsing: using)
        case .fewShotSaved(let set):
            if state.fewShotEditor != nil { state.fewShotEditor?.saved(set) } else { info(&state, "Saved few-shot set `\(set.name)`.") }
        case .messageDeleted(let id):
            return messageDeleted(&state, id)
        case .forked(let conversation, let draft, let regenerate):
            stashDraft(&state)
            state.conversation = conversation
            resetConversationView(&state)
            state.scrollToBottom = true
            if regenerate {
                info(&state, "Forked: the reply is written again here; the original conversation is unchanged.")
                return startTurn(&state) + [.refreshTotals(conversation.id)]
            }
            state.editor.setText(draft)
            info(&state, "Forked. Edit the message and press Enter to send it.")
            draftChanged(&state)
            return [.refreshTotals(conversation.id)]
        case .conversationDeleted(let id):
            if state.conversation.id == id {
                let old = state.conversation
                state.conversation = ConversationState(model: old.model, thinking: old.thinking, systemPrompt: old.systemPrompt,
                                                       fewShot: old.fewShot, fewShotMode: old.fewShotMode)
                resetConversationView(&state)
            }
            info(&state, "Conversation deleted.")
            return [.refreshTotals(state.conversation.id)]
        case .renamed(let id, let title):
            if state.conversation.id == id { state.conversation.record?.title = title }
            info(&state, "Renamed to “\(TerminalSanitizer.clean(title))”.")
        case .balance(let status):
            state.balance = status
            state.balanceNotRefreshed = false
            if state.remembered.balances?[balanceKey] != status.reading {
                var balances = Self.remembering(status.reading, at: balanceKey, in: state.remembered.balances)
                // One per endpoint and key ever used: the oldest go past a few dozen.
                for (key, _) in balances.sorted(by: { $0.value.time > $1.value.time }).dropFirst(Self.rememberedBalances) {
                    balances[key] = nil
                }
                state.remembered.balances = balances
                return [.saveRemembered(rememberedToSave(state))]
            }
        case .balanceNotRefreshed:
            state.balanceNotRefreshed = true
        case .spent(let today, let month):
            state.spent = (today, month)
        case .models(let ids):
            state.endpointModels = ids
            followEndpointDefault(&state, listed: ids)
            if state.remembered.endpointModels?[rememberedIdentity] != ids {
                state.remembered.endpointModels = Self.remembering(ids, at: rememberedIdentity, in: state.remembered.endpointModels)
                return [.saveRemembered(rememberedToSave(state))]
            }
        case .editedDraft(let text, let problem):
            guard let text else {
                info(&state, problem ?? "The draft is unchanged.")
                return []
            }
            state.editor.setText(text)
            draftChanged(&state)
            info(&state, "The draft is back from the editor (\(Formatting.grouped(text.count)) characters). Enter sends it.")
        case .report(let title, let text):
            state.overlay = .dialog(Dialog(title: title, message: text, buttons: ["OK"]))
            warn(&state, text)
        case .themeApplied(let name):
            state.themeName = name
            info(&state, "Theme: \(name) (kept for the next start).")
            state.remembered.theme = .init(name, changed: clock.now())
            return [.saveRemembered(rememberedToSave(state))]
        case .statistics(let summary):
            state.overlay = .dialog(Dialog(title: "Statistics", message: statisticsText(summary), buttons: ["OK"]))
        case .exportWouldReplace(let id, let format, let path, let documents):
            state.pending = .replaceExport(id, format, path: path, documents: documents)
            state.overlay = .dialog(Dialog(title: "Replace the file?", message: "\(TerminalSanitizer.clean(path)) exists. Replace it with this export?",
                                           buttons: ["Replace", "Cancel"], focused: 1, destructive: true))
        case .info(let text):
            if state.fewShotEditor != nil, text.hasPrefix("Could not save") { state.fewShotEditor?.saveFailed(text) } else { info(&state, text) }
        case .warning(let text):
            warn(&state, text)
        case .failure(let text):
            if state.fewShotEditor != nil { state.fewShotEditor?.saveFailed(text) } else { fail(&state, text) }
        }
        return []
    }

    func statisticsText(_ summary: StatsSummary) -> String {
        let currency = environment.currency
        let cost = summary.cost(in: currency.rawValue)
        var text = "All time: \(summary.requests) requests, \(Formatting.grouped(summary.hitTokens)) hit / \(Formatting.grouped(summary.missTokens)) miss"
        if let ratio = summary.hitRatio { text += " (\(Formatting.percent(ratio)))" }
        text += ", \(Formatting.grouped(summary.completionTokens)) output"
        if let cost {
            text += ", cost \(Formatting.money(cost.cost, currency: currency)), saved \(Formatting.money(cost.saved, currency: currency))"
        }
        if summary.estimatedRequests > 0 { text += ". \(summary.estimatedRequests) request(s) counted by us (estimated: they ended without usage)" }
        if let share = summary.prediction.exactShare {
            text += ". Hit predictions: \(Formatting.percent(share)) exact over \(summary.prediction.requests) requests, mean error \(Int((summary.prediction.meanAbsoluteError ?? 0).rounded())) tokens"
        }
        return text + ". `cachechat stats --by day` has more."
    }

    /// A recorded request rebuilt from the open conversation: its plan, the reply it got
    /// (when stored) and what it left in the cache (the prompt, and the reply when it ended
    /// whole). Nil when the record is missing or no longer matches the conversation.
    struct RestoredRequest {
        var plan: RequestPlan
        var reply: HistoryMessage?
        var sequence: CacheSequence
    }

    func restoredRequest(_ state: AppState, _ entry: LedgerEntry) -> RestoredRequest? {
        guard let record = entry.plan,
              let plan = RequestPlan(record: record, model: entry.model, conversation: state.conversation.id,
                                     messages: state.conversation.messages, fewShotVersion: fewShotLookup(state),
                                     attachmentText: attachmentLookup(state), renderer: renderer) else { return nil }
        let reply = entry.message.flatMap { id in state.conversation.messages.first { $0.id == .stored(id) } }
        let sequence = (reply?.endedWhole == true).then {
            plan.cacheSequence(replyContent: reply!.content, reasoning: reply!.reasoningContent, template: template)
        } ?? CacheSequence(ids: plan.prompt.ids, promptLength: plan.prompt.ids.count)
        return RestoredRequest(plan: plan, reply: reply, sequence: sequence)
    }

    /// Replays the conversation's last requests into the predictor (with the hits the
    /// ledger recorded), so the first prediction after opening it is not blind. `last`: the
    /// last request, already rebuilt.
    func replay(_ state: inout AppState, recent: [LedgerEntry], last: (entry: LedgerEntry, restored: RestoredRequest)? = nil) {
        for entry in recent.suffix(2) {
            guard let hit = entry.hitTokens, !entry.estimated,
                  let restored = last.flatMap({ $0.entry == entry ? $0.restored : nil }) ?? restoredRequest(state, entry)
            else { continue }
            let key = predictorKey(model: entry.model)
            var predictor = predictor(state, model: entry.model)
            predictor.record(sequence: restored.sequence, actualHit: hit, now: entry.time.timeIntervalSince1970)
            state.predictors[key] = predictor
        }
    }

    /// The reused-prefix tally learns a reopened conversation's requests (once a session):
    /// each earlier request whose plan is a prefix of the last one is mapped onto the last
    /// plan's message boundaries, so no earlier prompt is rendered again.
    func retally(_ state: inout AppState, recent: [LedgerEntry]) {
        guard let id = state.conversation.id, !state.talliedConversations.contains(id),
              let latest = state.exchange?.plan, let last = recent.last?.plan else { return }
        state.talliedConversations.insert(id)
        for entry in recent {
            guard let hit = entry.hitTokens, hit > 0, !entry.estimated, let record = entry.plan,
                  entry.model == latest.settings.model, record.system == last.system, record.fewShot == last.fewShot,
                  record.thinking == last.thinking, record.effort == last.effort, record.historyStart == last.historyStart,
                  record.messages.count <= last.messages.count, Array(last.messages.prefix(record.messages.count)) == record.messages
            else { continue }
            let map = latest.reuseMap(hitTokens: hit, serverPromptTokens: nil)
            if map.hitTokens > 0 { state.tally.record(ReusedPrefix(map: map, pinnedMessageCount: latest.pinnedCount, documents: latest.documentItems)) }
        }
    }

    /// The last request of a reopened conversation, rebuilt from its ledger row: marks,
    /// horizon and the draft warning refer to what was really sent.
    func rebuildExchange(_ state: AppState, from entry: LedgerEntry, restored: RestoredRequest? = nil) -> Exchange? {
        guard let restored = restored ?? restoredRequest(state, entry) else { return nil }
        let plan = restored.plan
        let kept = restored.reply.flatMap { $0.isSent ? $0.templateMessage : nil }
        guard let hit = entry.hitTokens, !entry.estimated else {
            return Exchange(plan: plan, reply: kept, sequence: nil, hitTokens: nil, marks: .none)
        }
        return Exchange(plan: plan, reply: kept, sequence: restored.sequence.ids, hitTokens: hit,
                        marks: plan.marks(hitTokens: hit, serverPromptTokens: entry.promptTokens))
    }

    /// Finds an attached document's text by its hash: the conversation's own attachments.
    func attachmentLookup(_ state: AppState) -> (String) -> String? {
        let attachments = state.conversation.attachments
        return { hash in attachments.first { $0.hash == hash }?.text }
    }

    /// Finds the few-shot set at a version: the conversation's own set when it matches.
    func fewShotLookup(_ state: AppState) -> (String, String) -> FewShotSet? {
        let current = state.conversation.fewShot
        return { name, version in
            guard let current, current.name == name, current.contentVersion == version else { return nil }
            return current
        }
    }

    /// A balance request now, or (within a minute of the last) when the minute is over.
    func refreshBalance(_ state: inout AppState) -> [Effect] {
        guard environment.fetchBalance else { return [] }
        if let last = state.balanceRequestedAt, now - last < Self.balanceInterval {
            state.balanceDue = last + Self.balanceInterval
            return []
        }
        state.balanceDue = nil
        state.balanceRequestedAt = now
        return [.fetchBalance]
    }

    static let balanceInterval = 60.0

    /// What the state file remembers this endpoint's model list and balance under: its
    /// identity, except the built-in endpoint's, whose port changes every launch (a new entry
    /// each launch, never read again).
    var rememberedIdentity: String {
        environment.endpointName == Endpoint.builtInName ? Endpoint.builtInName : environment.endpointIdentity
    }

    /// Where this endpoint and key's last balance reading is remembered.
    var balanceKey: String { RememberedState.balanceKey(endpointIdentity: rememberedIdentity, account: environment.accountTag) }

    /// `entries` with `key` set to `value`, without the built-in endpoint's entries from
    /// before `rememberedIdentity` (keyed by its URL, one per launch).
    static func remembering<Value>(_ value: Value, at key: String, in entries: [String: Value]?) -> [String: Value] {
        var kept = (entries ?? [:]).filter { !$0.key.hasPrefix(Endpoint.builtInName + "|http") }
        kept[key] = value
        return kept
    }

    /// How many accounts' last balances state.json keeps.
    static let rememberedBalances = 32

    /// A reading older than this says when it was taken even while a fresher one is asked for.
    static let balanceShownAsOldAfter = 600.0

    /// The default model when the endpoint does not list it (`defaultFollowsEndpoint`):
    /// an empty conversation on the default moves to the endpoint's preferred id.
    func followEndpointDefault(_ state: inout AppState, listed: [String]) {
        guard environment.defaultFollowsEndpoint, !listed.contains(environment.defaultModel) else { return }
        let preferred = ModelCatalog.preferredDefault(listed: listed)
        guard preferred != environment.defaultModel else { return }
        state.endpointDefaultModel = preferred
        if state.conversation.messages.isEmpty, state.conversation.id == nil,
           state.conversation.model == environment.defaultModel {
            state.conversation.model = preferred
            info(&state, "Model: \(preferred) (this endpoint does not list \(environment.defaultModel)).")
        }
    }
}

extension Bool {
    /// `value()` when true, else nil.
    func then<T>(_ value: () -> T) -> T? { self ? value() : nil }
}
