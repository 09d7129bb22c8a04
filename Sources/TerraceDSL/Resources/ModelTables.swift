/// The label on the tables `terrace run` builds for models: the model's name (``Labels/value(_:)``).
/// The deploy finds by it a table a model left when it became a view (and replaces it) or when
/// it was deleted.
public enum ModelTables {
    public static let label = "terrace-model"
}

/// Label values as GCP takes them.
public enum Labels {
    /// `text` as a label value: lower case, letters, digits, `-` and `_`, at most 63 characters.
    public static func value(_ text: String) -> String {
        String(text.lowercased().map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" }.prefix(63))
    }
}
