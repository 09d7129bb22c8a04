/// A `ref('model')`, `source('bronze', 'table')`, `var('name'[, default])` or `this` in a model's
/// SQL, found by the GoogleSQL lexer (text in strings and comments is never one).
public struct Reference: Hashable, Sendable {
    public enum Target: Hashable, Sendable {
        /// `ref('name')`.
        case model(String)
        /// `source('bronze', 'table')`: a bronze table.
        case source(String)
        /// `var('name')`, or `var('name', default)` with the default's GoogleSQL text.
        case variable(String, default: String?)
        /// `this`, in an incremental filter: the model's own table.
        case this
    }

    public var target: Target
    /// The call as written (`ref('dim_users')`).
    public var text: String
    public var file: String
    public var line: Int
    public var column: Int
    /// UTF-8 offsets of the call in the fragment it was found in.
    var range: Range<Int>

    /// The node this reference makes its model depend on, if any.
    public var dependency: NodeID? {
        switch target {
        case .model(let name): .model(name)
        case .source(let name): .source(name)
        case .variable, .this: nil
        }
    }
}
