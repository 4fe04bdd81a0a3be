import ChatCore

/// Questions and replies the history refused (a full disk): kept in memory, stored again
/// in order, and what waits for them (DECISIONS 104).
extension AppLogic {
    /// Seconds between attempts to store what the history refused (a full disk).
    public static let saveRetryInterval = 10.0

    /// `/save`, and every `saveRetryInterval`: store again what the history refused.
    func retrySaves(_ state: inout AppState) -> [Effect] {
        guard !state.unsavedSaves.isEmpty else {
            info(&state, "Every message is saved.")
            return []
        }
        state.nextSaveRetry = nil
        let replies = state.unsavedSaves
        state.unsavedSaves = []
        return [.retrySaves(replies)]
    }

    /// True when none of the open conversation's messages wait to be stored; otherwise says
    /// so: what `doing` would change (the last reply, a fork, several questions at once)
    /// must start from what the history holds, or the stored conversation would differ
    /// from what was sent.
    func allSaved(_ state: inout AppState, _ doing: String) -> Bool {
        guard waitingTarget(state) != nil else { return true }
        info(&state, "Some of this conversation's messages are not saved yet (the history refused them): "
             + "/save once there is room, then try \(doing) again.")
        return false
    }

    /// The open conversation's save target while saves of it wait in `saves` (nil when none
    /// do: its messages are then stored after what the App last saw, not after the target).
    func waitingTarget(_ state: AppState, in saves: [AppState.UnsavedSave]? = nil) -> SaveTarget? {
        guard let target = state.conversation.saveTarget else { return nil }
        return (saves ?? state.unsavedSaves).contains { $0.target === target } ? target : nil
    }

    /// What a retry of the saves did: those still refused wait for the next attempt; a
    /// conversation whose messages are all stored now is read again (its messages get their
    /// history ids), and one that a retry created becomes the open conversation's record.
    func savesRetried(_ state: inout AppState, failed: [AppState.UnsavedSave], problem: String?, saved: Int) -> [Effect] {
        state.unsavedSaves = failed + state.unsavedSaves
        if state.conversation.id == nil, let created = state.conversation.saveTarget?.created {
            state.conversation.record = created
        }
        let openWaits = waitingTarget(state) != nil
        if !openWaits { state.conversation.saveTarget = nil }
        if !failed.isEmpty {
            state.nextSaveRetry = now + AppLogic.saveRetryInterval
            let why = "(\(problem ?? "the history refused")): retrying every \(Int(AppLogic.saveRetryInterval)) s; "
                + "/save tries now, /copy copies it."
            warn(&state, saved == 0
                 ? "What is kept in memory is still not saved " + why
                 : "\(saved) of the messages kept in memory \(saved == 1 ? "is" : "are") saved now; "
                    + "\(failed.count) still \(failed.count == 1 ? "is" : "are") not " + why)
            return []
        }
        info(&state, saved == 1 ? "The message kept in memory is saved now." : "The \(saved) messages kept in memory are saved now.")
        state.totals.unsavedHere = []
        guard !state.isBusy, let id = state.conversation.id else { return [] }
        return [.openConversation(id)]
    }
}
