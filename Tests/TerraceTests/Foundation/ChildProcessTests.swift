import Foundation
import Glibc
import TerraceProcess
import Testing

@Suite struct ChildProcessTests {
    @Test func runReturnsTheExitStatusAndBothStreamsInterleaved() throws {
        let result = try ChildProcess.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(result.termination == .exited(3))
        #expect(result.output == "out\nerr\n")
    }

    @Test func theChildRunsInTheGivenDirectoryWithTheGivenEnvironmentOnly() throws {
        let directory = makeTemporaryDirectory("child-process")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try ChildProcess.run("/bin/sh", ["-c", "pwd; echo \"$GREETING\"; echo \"${HOME:-no home}\""],
                                          environment: ["GREETING": "hello"], directory: directory)
        #expect(result.output == "\(URL(fileURLWithPath: directory).resolvingSymlinksInPath().path)\nhello\nno home\n")
    }

    @Test func aSignalEndsItAndIsReportedAsTheSignal() throws {
        let child = try ChildProcess("/bin/sleep", ["30"])
        #expect(child.isRunning)
        #expect(child.termination == nil)
        child.send(SIGTERM)
        #expect(child.waitForExit() == .signalled(SIGTERM))
        #expect(!child.isRunning)
        #expect(child.termination == .signalled(SIGTERM))
        #expect(ChildProcess.Termination.signalled(SIGTERM).status == 128 + SIGTERM)
    }

    @Test func anExecutableThatIsNotThereIsAnErrorNamingIt() {
        #expect {
            _ = try ChildProcess("/nonexistent/tool", [])
        } throws: { error in
            let message = "\(error)"
            return message.contains("/nonexistent/tool") && message.contains("No such file")
        }
    }

    @Test func outputToAFileAndErrorsBesideIt() throws {
        let directory = makeTemporaryDirectory("child-process")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = directory + "/out.log"
        let child = try ChildProcess("/bin/sh", ["-c", "echo one; echo two >&2"], output: .file(log), error: .output)
        #expect(child.waitForExit() == .exited(0))
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "one\ntwo\n")
    }

    @Test func descriptorsOfTheParentAreNotInherited() throws {
        // A descriptor the parent opened without close-on-exec: a child must still not get it.
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        let result = try ChildProcess.run("/bin/sh", ["-c", "if [ -e /proc/$$/fd/\(ends[1]) ]; then echo open; else echo closed; fi"])
        #expect(result.output == "closed\n")
    }

    @Test func theChildDoesNotInheritIgnoredSignals() throws {
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        let result = try ChildProcess.run("/bin/sh", ["-c", "grep SigIgn /proc/$$/status"])
        let mask = UInt64(result.output.split(separator: "\t").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "", radix: 16)
        let pipeBit = UInt64(1) << (SIGPIPE - 1)
        #expect(mask.map { $0 & pipeBit == 0 } == true, "\(result.output)")
    }

    @Test func manyThreadsMaySpawnAtOnce() async throws {
        let statuses = try await withThrowingTaskGroup(of: ChildProcess.Termination.self) { group in
            for index in 0..<16 {
                group.addTask {
                    try await withCheckedThrowingContinuation { continuation in
                        Thread.detachNewThread {
                            continuation.resume(with: Result { try ChildProcess.run("/bin/sh", ["-c", "exit \(index)"]).termination })
                        }
                    }
                }
            }
            return try await group.reduce(into: [ChildProcess.Termination]()) { $0.append($1) }
        }
        #expect(Set(statuses.map(\.status)) == Set(0..<16))
    }
}
