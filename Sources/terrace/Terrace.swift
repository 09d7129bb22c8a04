import Infra
import NIOCore
import NIOPosix
import TerraceCLI

@main
enum Terrace {
    static func main() async {
        // Run Swift concurrency on NIO's event loops, so the local cloud's handlers and its
        // network I/O share threads instead of hopping between two pools on every request.
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        Declarations.register(Platform.stack)
        await TerraceCommand.main()
    }
}
