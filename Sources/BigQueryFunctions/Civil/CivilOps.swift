/// Date-part arithmetic shared by `DATE`, `DATETIME` and `TIMESTAMP` functions.
enum CivilOps {
    /// Adds `amount` units of a date part (DAY … YEAR) to `date`; month-end clamping for
    /// MONTH/QUARTER/YEAR. `nil` when the result leaves the supported range.
    static func addDays(_ date: BQDate, _ amount: Int64, _ part: BQDatePart) -> BQDate? {
        switch part {
        case .day:
            let (days, overflow) = date.unixDays.addingReportingOverflow(amount)
            return overflow ? nil : BQDate(unixDays: days)
        case .weekStarting(.sunday):
            let (weeks, o1) = amount.multipliedReportingOverflow(by: 7)
            if o1 { return nil }
            return addDays(date, weeks, .day)
        case .month, .quarter, .year:
            let perUnit: Int64 = part == .month ? 1 : (part == .quarter ? 3 : 12)
            let (months, o1) = amount.multipliedReportingOverflow(by: perUnit)
            if o1 || Swift.abs(months) > 200_000 { return nil }
            let c = date.components
            let total = c.year * 12 + (c.month - 1) + months
            let year = CivilCalendar.floorDiv(total, 12)
            let month = CivilCalendar.floorMod(total, 12) + 1
            guard year >= 1, year <= 9999 else { return nil }
            return BQDate(year: year, month: month, day: Swift.min(c.day, CivilCalendar.daysInMonth(year: year, month: month)))
        default:
            return nil
        }
    }

    static func isDatePart(_ part: BQDatePart) -> Bool {
        switch part {
        case .day, .weekStarting, .isoWeek, .month, .quarter, .year, .isoYear: return true
        default: return false
        }
    }

    /// The first day of the `part` period containing `date` (may fall before 0001-01-01: then nil).
    static func truncDays(_ date: BQDate, _ part: BQDatePart) -> Int64? {
        switch part {
        case .day:
            return date.unixDays
        case .weekStarting(let weekday):
            return date.unixDays - CivilCalendar.floorMod(date.dayOfWeek - Int64(weekday.rawValue), 7)
        case .isoWeek:
            return date.unixDays - (date.isoWeekday - 1)
        case .month:
            let c = date.components
            return CivilCalendar.days(year: c.year, month: c.month, day: 1)
        case .quarter:
            let c = date.components
            return CivilCalendar.days(year: c.year, month: (c.month - 1) / 3 * 3 + 1, day: 1)
        case .year:
            return CivilCalendar.days(year: date.year, month: 1, day: 1)
        case .isoYear:
            return BQDate.isoYearStart(date.isoYearAndWeek.year)
        default:
            return nil
        }
    }

    static func truncDate(_ date: BQDate, _ part: BQDatePart, function: String) throws -> BQDate {
        guard isDatePart(part), let days = truncDays(date, part) else {
            throw BigQueryFunctionError("Unsupported date part \(part.sqlName) for \(function)")
        }
        guard let result = BQDate(unixDays: days) else {
            throw BigQueryFunctionError("Truncating date \(date) to \(part.sqlName) resulted in an out of range date value: \(days)")
        }
        return result
    }

    /// Number of `part` boundaries between two dates (`end - start`).
    static func diffDates(_ end: BQDate, _ start: BQDate, _ part: BQDatePart) -> Int64? {
        switch part {
        case .day:
            return end.unixDays - start.unixDays
        case .weekStarting, .isoWeek:
            guard let e = truncDays(end, part), let s = truncDays(start, part) else { return nil }
            return (e - s) / 7
        case .month:
            let e = end.components, s = start.components
            return (e.year * 12 + e.month) - (s.year * 12 + s.month)
        case .quarter:
            let e = end.components, s = start.components
            return (e.year * 4 + (e.month - 1) / 3) - (s.year * 4 + (s.month - 1) / 3)
        case .year:
            return end.year - start.year
        case .isoYear:
            return end.isoYearAndWeek.year - start.isoYearAndWeek.year
        default:
            return nil
        }
    }

    /// `EXTRACT` of a date part.
    static func extract(_ part: BQDatePart, _ date: BQDate) -> Int64? {
        switch part {
        case .dayOfWeek: return date.dayOfWeek
        case .day: return date.day
        case .dayOfYear: return date.dayOfYear
        case .weekStarting(let weekday): return weekNumber(date, startingOn: weekday)
        case .isoWeek: return date.isoYearAndWeek.week
        case .month: return date.month
        case .quarter: return (date.month - 1) / 3 + 1
        case .year: return date.year
        case .isoYear: return date.isoYearAndWeek.year
        default: return nil
        }
    }

    /// Week number in 0 … 53: days before the year's first `weekday` are in week 0.
    static func weekNumber(_ date: BQDate, startingOn weekday: BQWeekday) -> Int64 {
        let jan1 = BQDate(uncheckedUnixDays: CivilCalendar.days(year: date.year, month: 1, day: 1))
        let firstStart = jan1.unixDays + CivilCalendar.floorMod(Int64(weekday.rawValue) - jan1.dayOfWeek, 7)
        return date.unixDays < firstStart ? 0 : (date.unixDays - firstStart) / 7 + 1
    }

    /// `LAST_DAY`: the last day of the `part` period containing `date`.
    static func lastDay(_ date: BQDate, _ part: BQDatePart) throws -> BQDate {
        let days: Int64?
        switch part {
        case .year:
            days = CivilCalendar.days(year: date.year, month: 12, day: 31)
        case .quarter:
            let c = date.components
            let lastMonth = (c.month - 1) / 3 * 3 + 3
            days = CivilCalendar.days(year: c.year, month: lastMonth, day: CivilCalendar.daysInMonth(year: c.year, month: lastMonth))
        case .month:
            let c = date.components
            days = CivilCalendar.days(year: c.year, month: c.month, day: CivilCalendar.daysInMonth(year: c.year, month: c.month))
        case .weekStarting, .isoWeek:
            days = truncDays(date, part).map { $0 + 6 }
        case .isoYear:
            days = BQDate.isoYearStart(date.isoYearAndWeek.year + 1) - 1
        default:
            throw BigQueryFunctionError("Unsupported date part \(part.sqlName) for LAST_DAY")
        }
        guard let days, let result = BQDate(unixDays: days) else {
            throw BigQueryFunctionError("LAST_DAY of \(date) at \(part.sqlName) is out of range")
        }
        return result
    }
}
