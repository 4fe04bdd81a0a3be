import ChatCore
import ChatWire
import Foundation
import TerminalUI

/// The conversation's rules — model, thinking, effort, JSON mode, system prompt — and the
/// theme: each change says what it does to the cache.
extension AppLogic {
    /// Writes the conversation's rules to its stored row (once it has one).
    func persistRules(_ state: AppState) -> [Effect] {
        state.conversation.updatedRecord.map { [.updateConversation($0)] } ?? []
    }

    /// The draft's prediction is stale: redo it now.
    func repredict(_ state: inout AppState) {
        state.predictionDue = state.editor.isEmpty ? nil : now
        if state.editor.isEmpty { state.draft = nil }
    }

    func setModel(_ state: inout AppState, _ name: String) -> [Effect] {
        guard !name.isEmpty else {
            showModelPicker(&state)
            return []
        }
        guard name != state.conversation.model else {
            info(&state, "The model is already \(name).")
            return []
        }
        state.conversation.model = name
        var change = "Model: \(name). Each model has its own cache."
        if !environment.knownModels.contains(name) {
            change += " cachechat does not know it (\(ModelCatalog.assumption)); a server without it answers Model Not Exist."
        }
        if environment.prices.price(model: name, at: clock.now(), currency: environment.currency) == nil {
            change += " No price is known for it: tokens are shown without cost."
        }
        ruleChanged(&state, change)
        state.remembered.model = .init(name, changed: clock.now())
        return persistRules(state) + [.saveRemembered(rememberedToSave(state))]
    }

    func setThinking(_ state: inout AppState, _ argument: String) -> [Effect] {
        let effective = state.conversation.settings().effectiveThinking
        let wanted: Bool
        switch argument.lowercased() {
        case "on": wanted = true
        case "off": wanted = false
        default:
            info(&state, "Thinking is \(effective ? "on" : "off"). Use /thinking on or /thinking off.")
            return []
        }
        guard wanted != effective || state.conversation.thinking == nil else {
            info(&state, "Thinking is already \(wanted ? "on" : "off").")
            return []
        }
        state.conversation.thinking = wanted
        ruleChanged(&state, wanted
            ? "Thinking on. Its reasoning is not sent back, so reuse ends near your previous question: expected, not a miss you caused."
            : "Thinking off.")
        state.remembered.thinking = .init(wanted, changed: clock.now())
        return persistRules(state) + [.saveRemembered(rememberedToSave(state))]
    }

    /// `/effort low|high|max`: the reasoning effort of this conversation and the next ones
    /// this session. Switching to or from max changes the prompt from its first token, so
    /// the warning says how much of the cache the next request loses and what that costs.
    func setEffort(_ state: inout AppState, _ argument: String) -> [Effect] {
        let current = state.conversation.reasoningEffort
        guard let wanted = ReasoningEffort(argument: argument) else {
            if argument.isEmpty {
                info(&state, "Reasoning effort: \(current?.rawValue ?? "the server's default (high)"). Use /effort low, high or max.")
            } else {
                fail(&state, "“\(TerminalSanitizer.clean(argument))” is not a reasoning effort: use /effort low, high or max "
                     + "(it stays \(current?.rawValue ?? "the server's default (high)")).")
            }
            return []
        }
        state.effort = wanted
        guard wanted != current else {
            info(&state, "The reasoning effort is already \(wanted.rawValue).")
            return []
        }
        state.conversation.reasoningEffort = wanted
        var change = "Reasoning effort: \(wanted.rawValue)."
        if !state.conversation.settings().effectiveThinking { change += " It applies when thinking is on (/thinking on)." }
        ruleChanged(&state, change)
        return []
    }

    /// `/json on|off`: requests ask for a JSON object; an empty reply is then reported as an error.
    func setJSONMode(_ state: inout AppState, _ argument: String) -> [Effect] {
        switch argument.lowercased() {
        case "on": state.jsonObject = true
        case "off": state.jsonObject = false
        case "":
            info(&state, "JSON mode is \(state.jsonObject ? "on" : "off"). Use /json on or /json off.")
            return []
        default:
            fail(&state, "/json takes on or off (JSON mode stays \(state.jsonObject ? "on" : "off")).")
            return []
        }
        repredict(&state)
        info(&state, state.jsonObject
            ? "JSON mode on: say \"json\" in your message and show the object you want; an empty reply is an error."
            : "JSON mode off.")
        return []
    }

    func setSystemPrompt(_ state: inout AppState, _ text: String) -> [Effect] {
        guard state.conversation.fewShot == nil else {
            fail(&state, "This conversation uses a few-shot set, which has its own system prompt. /fewshot off starts one without it.")
            return []
        }
        let new = text.isEmpty ? nil : text
        guard new != state.conversation.systemPrompt else {
            info(&state, new == nil ? "There is no system prompt." : "The system prompt is already that text: nothing changes.")
            return []
        }
        state.conversation.systemPrompt = new
        ruleChanged(&state, new == nil ? "System prompt cleared." : "System prompt set.")
        return persistRules(state)
    }

    func setTheme(_ state: inout AppState, _ name: String) -> [Effect] {
        guard !name.isEmpty else {
            info(&state, "Themes: \(environment.themeNames.joined(separator: ", ")) (now \(state.themeName)).")
            return []
        }
        if let problem = environment.brokenThemes[name] {
            state.overlay = .dialog(Dialog(title: "Theme problem", message: "Theme `\(name)` cannot be used: \(problem)", buttons: ["OK"]))
            return []
        }
        guard environment.themeNames.contains(name) else {
            fail(&state, "No theme named `\(name)`. Themes: \(environment.themeNames.joined(separator: ", ")).")
            return []
        }
        return [.applyTheme(name)]
    }
}
