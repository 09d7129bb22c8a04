import Synchronization
import TerraceDSL

/// The platform's declarations, registered by the executable before the command runs: the CLI
/// is a library other platforms link with their own `infra` target, so it cannot name one.
public enum Declarations {
    private static let registered = Mutex<(@Sendable (Environment) -> Stack)?>(nil)

    /// Registers the function that declares the platform's stack for an environment.
    public static func register(_ declare: @escaping @Sendable (Environment) -> Stack) {
        registered.withLock { $0 = declare }
    }

    /// The registered declarations; an empty stack when a binary registered none.
    static var stack: @Sendable (Environment) -> Stack {
        let declare: (@Sendable (Environment) -> Stack)? = registered.withLock { $0 }
        return declare ?? { _ in Stack(declarations: []) }
    }
}
