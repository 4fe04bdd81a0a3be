import ChatCore
/// The fixed texts the workloads send: Markdown documents of realistic size and lists of
/// questions, generated deterministically (a fixed-seed generator over fixed phrases), so
/// that every run sends the same tokens.
public enum Corpus {

    static let sites = ["Hallam", "Rotterdam", "Lyon", "Gdańsk", "Oporto", "Tampere", "Brno", "Cork", "Graz", "Aarhus",
                        "Bilbao", "Ghent", "Turin", "Malmö", "Leipzig", "Vilnius"]
    static let topics = ["cold-chain receiving", "cross-docking", "returns triage", "night picking", "forklift charging",
                         "hazardous goods storage", "cycle counting", "carrier hand-over", "pallet repair",
                         "customs holds", "peak-season staffing", "dock scheduling", "temperature alarms",
                         "label reprinting", "damaged-goods claims", "yard management"]
    static let subjects = ["The shift lead", "Every picker", "The receiving clerk", "The site manager", "The night team",
                           "The quality auditor", "Each driver", "The inventory controller"]
    static let verbs = ["checks", "records", "escalates", "reconciles", "photographs", "signs off", "re-weighs", "quarantines"]
    static let objects = ["the inbound manifest", "every pallet label", "the seal number", "the temperature log",
                          "the carrier's delivery note", "each exception", "the bay allocation", "the scanner batch"]
    static let conditions = ["before the truck is released", "within fifteen minutes of arrival",
                             "whenever the variance exceeds two percent", "at the start and end of each shift",
                             "if the customer is on the priority list", "unless the load is already booked out",
                             "when the dock door stays open longer than ten minutes", "after every system restart"]

    /// An operations handbook in Markdown: `sections` sections of headings, prose, a list
    /// and a table (about 430 tokens each).
    public static func handbook(sections: Int, seed: UInt64 = 7) -> String {
        var generator = SplitMix64(seed: seed)
        var text = "# Northwind Logistics — Warehouse Operations Handbook\n\nRevision 14. This handbook is the reference for every depot in the network. Where a local instruction disagrees with it, the handbook wins until the regional office confirms the exception in writing.\n\n"
        for section in 1...sections {
            let site = sites[(section - 1) % sites.count]
            let topic = topics[(section * 7) % topics.count]
            text += "## \(section). \(topic.prefix(1).uppercased() + topic.dropFirst()) at \(site)\n\n"
            for _ in 0..<3 {
                var paragraph: [String] = []
                for _ in 0..<4 {
                    paragraph.append("\(generator.pick(subjects)) \(generator.pick(verbs)) \(generator.pick(objects)) \(generator.pick(conditions)).")
                }
                paragraph.append("In \(2019 + generator.number(0...6)) the depot handled \(generator.number(120...980)) loads a week at an average dwell time of \(generator.number(18...95)) minutes.")
                text += paragraph.joined(separator: " ") + "\n\n"
            }
            text += "Checklist for \(topic):\n\n"
            for step in 1...4 {
                text += "- Step \(step): \(generator.pick(subjects).lowercased()) \(generator.pick(verbs)) \(generator.pick(objects)).\n"
            }
            text += "\n| metric | target | last quarter |\n|---|---|---|\n"
            for metric in ["on-time dispatch", "inventory accuracy", "damage rate"] {
                text += "| \(metric) | \(generator.number(90...99)).\(generator.number(0...9))% | \(generator.number(80...99)).\(generator.number(0...9))% |\n"
            }
            text += "\n"
        }
        return text
    }

    /// Questions about the handbook.
    public static func handbookQuestions(_ count: Int) -> [String] {
        (0..<count).map { i in
            let topic = topics[(i * 5 + 3) % topics.count], site = sites[(i * 3 + 1) % sites.count]
            return switch i % 4 {
            case 0: "What does the handbook require for \(topic) at \(site)? Quote the checklist."
            case 1: "Compare the dwell times reported for \(site) and \(sites[(i + 5) % sites.count]). Which improved?"
            case 2: "Which sections mention \(topic), and what is the on-time dispatch target there?"
            default: "Summarise the escalation rules that apply to \(topic) in three bullet points."
            }
        }
    }

    /// User messages of a long chat: varied, of realistic length (30–60 tokens).
    public static func chatMessages(_ count: Int, seed: UInt64 = 11) -> [String] {
        var generator = SplitMix64(seed: seed)
        let openers = ["Next question:", "Follow-up:", "Thanks. Now,", "One more thing:", "Going back to the plan,", "OK."]
        let asks = ["how should we schedule", "what is the cheapest way to handle", "can you draft a rule for",
                    "what could go wrong with", "how would you measure", "give me a short checklist for"]
        return (1...count).map { n in
            let topic = generator.pick(topics), site = generator.pick(sites)
            return "\(generator.pick(openers)) \(generator.pick(asks)) \(topic) at the \(site) depot, given about \(generator.number(40...400)) loads a week and \(generator.number(3...30)) staff per shift? Keep it practical (message \(n))."
        }
    }

    /// The system prompt of the chats.
    public static let assistantSystem = "You are an operations consultant for a mid-sized logistics company. Answer practically, in short Markdown: a one-line answer first, then at most five bullet points. Use metric units and 24-hour times. When a question is ambiguous, state the assumption you make instead of asking back."
}
