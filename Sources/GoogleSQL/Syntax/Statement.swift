/// One statement of a script.
public struct Statement: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case query(Query)
        case createTable(CreateTable)
        case createView(CreateView)
        case drop(Drop)
        case truncateTable(TruncateTable)
        case insert(Insert)
        case update(Update)
        case delete(Delete)
        case merge(Merge)
    }

    public var kind: Kind
    public var location: SourceLocation
}
