import Foundation

/// Spending limits per day and per month, in the display currency (`[budget]` in
/// config.toml), and what the panel says about them.
public struct Budget: Sendable, Equatable {
    public var daily: Double?
    public var monthly: Double?
    /// The share of a limit at which the panel warns.
    public static let warnAt = 0.8

    public init(daily: Double? = nil, monthly: Double? = nil) {
        self.daily = daily
        self.monthly = monthly
    }

    /// Midnight today and the first of this month in `zone`: where the periods start.
    public static func periodStarts(at date: Date, in zone: LocalZone) -> (day: Date, month: Date) {
        (zone.startOfDay(date), zone.startOfMonth(date))
    }

    /// One meter line per limit ("today ███░░░░░░░ 32% of $1.00") and the warnings for
    /// those at 80% or more.
    public func lines(spentToday: Double, spentThisMonth: Double, currency: Currency) -> (meters: [String], warnings: [String]) {
        var meters: [String] = [], warnings: [String] = []
        for (name, limit, spent) in [("today", daily, spentToday), ("month", monthly, spentThisMonth)] {
            guard let limit, limit > 0 else { continue }
            let share = spent / limit
            let filled = min(10, max(0, Int((share * 10).rounded(.down))))
            meters.append("\(name) " + String(repeating: "█", count: filled) + String(repeating: "░", count: 10 - filled)
                + " \(Int((share * 100).rounded(.down)))% of \(Formatting.money(limit, currency: currency))")
            if share >= 1 {
                warnings.append("The \(name == "today" ? "daily" : "monthly") budget is spent: \(Formatting.money(spent, currency: currency)) of \(Formatting.money(limit, currency: currency)).")
            } else if share >= Self.warnAt {
                warnings.append("\(Int((share * 100).rounded(.down)))% of the \(name == "today" ? "daily" : "monthly") budget spent: "
                    + "\(Formatting.money(spent, currency: currency)) of \(Formatting.money(limit, currency: currency)).")
            }
        }
        return (meters, warnings)
    }
}
