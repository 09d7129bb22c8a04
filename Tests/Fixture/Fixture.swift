import NIOCore
import NIOPosix
import TerraceCLI
import TestStacks

/// `terrace` with the test stacks in place of infra/: what the failure tests kill and the plan
/// benchmark times. Everything else is the real CLI.
@main
enum Fixture {
    static func main() async {
        if TerraceCommand.servesLocalCloud(CommandLine.arguments) {
            _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        Declarations.register(TestStacks.stack)
        Declarations.register(bronze: TestStacks.bronze)
        await TerraceCommand.main()
    }
}
