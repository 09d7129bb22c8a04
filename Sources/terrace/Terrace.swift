import Infra
import Pipelines
import NIOCore
import NIOPosix
import TerraceCLI

@main
enum Terrace {
    static func main() async {
        // `terrace local serve` runs Swift concurrency on NIO's event loops, so the local cloud's
        // handlers and its network I/O share threads instead of hopping between two pools on
        // every request. Client commands (plan, apply) are faster on the default pool.
        if TerraceCommand.servesLocalCloud(CommandLine.arguments) {
            _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        Declarations.register(Platform.stack)
        Declarations.register(bronze: Pipelines.bronze)
        await TerraceCommand.main()
    }
}
