import Synchronization
import TerraceDSL
import TerracePipelines

/// The platform's declarations, registered by the executable before the command runs: the CLI
/// is a library other platforms link with their own `infra` target, so it cannot name one.
public enum Declarations {
    private static let registered = Mutex<(@Sendable (Environment) -> Stack)?>(nil)

    /// Registers the function that declares the platform's stack for an environment.
    public static func register(_ declare: @escaping @Sendable (Environment) -> Stack) {
        registered.withLock { $0 = declare }
    }

    private static let registeredBronze = Mutex<(@Sendable (Environment) -> Bronze)?>(nil)

    /// Registers the function that declares the platform's bronze sources for an environment.
    public static func register(bronze declare: @escaping @Sendable (Environment) -> Bronze) {
        registeredBronze.withLock { $0 = declare }
    }

    /// The registered bronze sources; none when a binary registered none.
    static var bronze: @Sendable (Environment) -> Bronze {
        let declare: (@Sendable (Environment) -> Bronze)? = registeredBronze.withLock { $0 }
        return declare ?? { _ in Bronze { [Source]() } }
    }

    /// The registered declarations; an empty stack when a binary registered none.
    static var stack: @Sendable (Environment) -> Stack {
        let declare: (@Sendable (Environment) -> Stack)? = registered.withLock { $0 }
        return declare ?? { _ in Stack(declarations: []) }
    }
}
