import BigQueryFunctions

/// Literal helpers for the BigQueryFunctions tests (they trap on a bad literal: a test bug).
enum BQFixture {
    static func date(_ text: String) -> BQDate { try! Conversions.castToDate(text)! }
    static func datetime(_ text: String) -> BQDatetime { try! Conversions.castToDatetime(text)! }
    static func time(_ text: String) -> BQTime { try! Conversions.castToTime(text)! }
    static func timestamp(_ text: String) -> BQTimestamp { try! Conversions.castToTimestamp(text)! }
    static func zone(_ text: String) -> BQTimeZone { try! BQTimeZone(parsing: text) }
    static func hex(_ bytes: [UInt8]?) -> String? { StringFunctions.toHex(bytes) }
    static func error(_ message: String) -> BigQueryFunctionError { BigQueryFunctionError(message) }
}
