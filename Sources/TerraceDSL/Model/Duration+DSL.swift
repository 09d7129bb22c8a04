extension Duration {
    /// `count` minutes.
    public static func minutes(_ count: Int) -> Duration { .seconds(Int64(count) * 60) }
    /// `count` hours.
    public static func hours(_ count: Int) -> Duration { .seconds(Int64(count) * 3600) }
    /// `count` days.
    public static func days(_ count: Int) -> Duration { .seconds(Int64(count) * 86_400) }

    /// Whole seconds (fractions dropped).
    var wholeSeconds: Int64 { components.seconds }

    /// Google's duration string: `600s`.
    var googleDuration: String { "\(wholeSeconds)s" }

    /// Whole milliseconds.
    var wholeMilliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }

    /// A short human form for messages: `7d`, `3h`, `10m`, `45s`.
    var humanDescription: String {
        let s = wholeSeconds
        if s != 0, s % 86_400 == 0 { return "\(s / 86_400)d" }
        if s != 0, s % 3600 == 0 { return "\(s / 3600)h" }
        if s != 0, s % 60 == 0 { return "\(s / 60)m" }
        return "\(s)s"
    }
}
