import ChatCore
import Foundation
import TerminalUI

extension AppLogic {
    /// `/model` without an id: every model the endpoint lists (then the known ones it does
    /// not), each with its window, its price now and, since every model has its own cache,
    /// what the next request would miss on it ("cold here: 41,200 tokens, $0.012").
    func showModelPicker(_ state: inout AppState) {
        // The current model first (selected), then the endpoint's order, then the known ones it does not list.
        let listed = state.endpointModels + environment.knownModels.filter { !state.endpointModels.contains($0) }
        let ids = [state.conversation.model] + listed.filter { $0 != state.conversation.model }
        let items = ids.map { id in
            let parts = modelDetail(state, model: id)
            // Shown as the status bar shows it: an id from a server may carry escape sequences.
            return ListPanel.Item(id: id, title: TerminalSanitizer.clean(id) + (id == state.conversation.model ? " (current)" : ""),
                                  detail: parts.first ?? "", context: parts.dropFirst().joined(separator: " · "))
        }
        state.listPurpose = .models
        state.overlay = .list(ListPanel(title: "Models — Enter switches (each model has its own cache)", items: items))
    }

    /// ["1M ctx", "$0.30/M miss, peak", "cold here: 41,200 tokens, $0.012"].
    func modelDetail(_ state: AppState, model: String) -> [String] {
        let known = environment.models.model(model)
        var parts = [Self.tokens(known.contextWindow) + " ctx" + (known.isKnown ? "" : " (assumed)")]
        let now = clock.now()
        switch environment.prices.lookup(model: model, at: now, currency: environment.currency) {
        case .priced(let price):
            var text = Formatting.money(price.prices.cacheMiss, currency: environment.currency) + "/M miss"
            if price.hasPeakPricing { text += price.offPeak ? ", off-peak" : ", peak" }
            parts.append(text)
        case let missing:
            parts.append(missing.missingText ?? "")
        }
        var conversation = state.conversation
        conversation.model = model
        var probe = state
        probe.conversation = conversation
        let draft = state.editor.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !conversation.messages.isEmpty || !draft.isEmpty else { return parts }
        let plan = plan(probe, question: draft.isEmpty ? .draft(" ") : .draft(state.editor.text))
        if let prediction = plan.prediction {
            let cost = prediction.cost.map { ", " + Formatting.money($0.amount, currency: $0.currency) } ?? ""
            parts.append(prediction.hitTokens == 0
                ? "cold here: \(Formatting.grouped(prediction.missTokens)) tokens\(cost)"
                : "\(Formatting.grouped(prediction.hitTokens)) cached, \(Formatting.grouped(prediction.missTokens)) miss\(cost)")
        }
        return parts
    }

    /// 1,048,576 -> "1M", 131,072 -> "128K".
    static func tokens(_ count: Int) -> String {
        if count >= 1_048_576, count % 1_048_576 == 0 { return "\(count / 1_048_576)M" }
        if count >= 1024, count % 1024 == 0 { return "\(count / 1024)K" }
        return Formatting.grouped(count)
    }
}
