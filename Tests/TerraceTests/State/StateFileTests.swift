import Testing
import TerraceEngine
import TerraceJSON

@Suite("State file format")
struct StateFileTests {
    static func sample() -> StateFile {
        StateFile(lineage: "lineage-1", serial: 3, resources: [
            StateResource(address: "topic.events", type: "pubsub_topic", id: "projects/p/topics/events",
                          attributes: ["labels": ["env": "dev"]], dependencies: []),
            StateResource(address: "bucket.raw", type: "storage_bucket", id: "p-raw",
                          attributes: ["location": "US", "versioning": ["enabled": true]], dependencies: ["topic.events"]),
        ])
    }

    static func decodeError(_ text: String) -> StateError? {
        do {
            _ = try StateFile.decode(Array(text.utf8), location: "state/dev.json")
            return nil
        } catch {
            return error
        }
    }

    @Test func encodesAndDecodesToTheSameValue() throws {
        let state = Self.sample()
        let decoded = try StateFile.decode(state.encoded(), location: "x.json")
        #expect(decoded.lineage == "lineage-1")
        #expect(decoded.serial == 3)
        #expect(decoded.formatVersion == 1)
        #expect(decoded.terraceVersion == StateFile.currentTerraceVersion)
        #expect(Set(decoded.resources) == Set(state.resources))
        #expect(decoded["bucket.raw"]?.dependencies == ["topic.events"])
    }

    @Test func encodingIsPrettySortedAndStable() {
        let text = String(decoding: Self.sample().encoded(), as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"format_version\": 1,\n  \"lineage\": \"lineage-1\",\n  \"resources\": ["))
        #expect(text.hasSuffix("}\n"))
        // Resources sorted by address, whatever order they were given in.
        let bucket = text.firstRange(of: "bucket.raw")?.lowerBound
        let topic = text.firstRange(of: "topic.events")?.lowerBound
        #expect(bucket != nil && topic != nil && bucket! < topic!)
        var reversed = Self.sample()
        reversed.resources.reverse()
        #expect(reversed.encoded() == Self.sample().encoded())
    }

    @Test func newStatesGetDistinctUUIDShapedLineages() {
        let a = StateFile(), b = StateFile()
        #expect(a.lineage != b.lineage)
        #expect(a.lineage.count == 36)
        #expect(a.lineage.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        #expect(a.serial == 0)
    }

    @Test func emptyAndTruncatedFilesNameTheFile() throws {
        #expect(Self.decodeError("")?.description
            == "state/dev.json: the state file is empty (it may have been truncated) (restore it from state/dev.json.backup or the bucket's previous version)")
        let full = String(decoding: Self.sample().encoded(), as: UTF8.self)
        let error = try #require(Self.decodeError(String(full.prefix(full.count / 2))))
        #expect(error.code == .syntax)
        #expect(error.description.hasPrefix("state/dev.json:"))
        #expect(error.description.contains("invalid JSON"))
        #expect(error.description.contains("truncated"))
    }

    @Test func aFutureFormatAsksForANewerTerrace() {
        let error = Self.decodeError(#"{"format_version": 2, "lineage": "l", "serial": 1, "terrace_version": "9.0", "resources": []}"#)
        #expect(error?.code == .futureVersion)
        #expect(error?.description
            == "state/dev.json: format_version 2 was written by a newer Terrace than this one (which reads up to 1); upgrade Terrace")
    }

    @Test(arguments: [
        (#"[1, 2]"#, StateError.Code.notAnObject, "the state holds a JSON array, not an object"),
        (#"{"lineage": "l", "serial": 1, "terrace_version": "0", "resources": []}"#, .missingKey, #"missing required key "format_version""#),
        (#"{"format_version": "1", "lineage": "l", "serial": 1, "terrace_version": "0", "resources": []}"#, .wrongType,
         #"key "format_version": expected a whole number, got string"#),
        (#"{"format_version": 0, "lineage": "l", "serial": 1, "terrace_version": "0", "resources": []}"#, .invalidValue,
         "format_version 0 is not a valid version"),
        (#"{"format_version": 1, "lineage": "", "serial": 1, "terrace_version": "0", "resources": []}"#, .invalidValue, #"key "lineage" is empty"#),
        (#"{"format_version": 1, "lineage": "l", "serial": -4, "terrace_version": "0", "resources": []}"#, .invalidValue,
         #"key "serial" is negative (-4)"#),
        (#"{"format_version": 1, "lineage": "l", "serial": 1.5, "terrace_version": "0", "resources": []}"#, .wrongType,
         #"key "serial": expected a whole number, got number"#),
        (#"{"format_version": 1, "lineage": "l", "serial": 1, "terrace_version": "0", "resources": {}}"#, .wrongType,
         #"key "resources": expected an array, got object"#),
        (#"{"format_version": 1, "lineage": "l", "serial": 1, "terrace_version": "0", "resources": [], "extra": 1}"#, .unknownKey,
         #"unknown key "extra""#),
        (#"{"format_version": 1, "lineage": "l", "serial": 1, "terrace_version": "0", "resources": [7]}"#, .wrongType,
         "resources[0]: expected an object, got number"),
        (#"{"format_version": 1, "lineage": "l", "serial": 1, "terrace_version": "0", "resources": [{"type": "t", "id": "i", "attributes": {}}]}"#,
         .missingKey, #"resources[0]: missing required key "address""#),
        (#"{"format_version": 1, "lineage": "l", "serial": 1, "terrace_version": "0", "resources": [{"address": "a", "type": "t", "id": "i", "attributes": []}]}"#,
         .wrongType, #"resources[0]: key "attributes": expected an object, got array"#),
        (#"{"format_version": 1, "lineage": "l", "serial": 1, "terrace_version": "0", "resources": [{"address": "a", "type": "t", "id": "i", "attributes": {}, "dependencies": [1]}]}"#,
         .wrongType, #"resources[0]: key "dependencies[0]": expected an address string, got number"#),
        (#"{"format_version": 1, "lineage": "l", "serial": 1, "terrace_version": "0", "resources": [{"address": "a", "type": "t", "id": "i", "attributes": {}}, {"address": "a", "type": "t", "id": "j", "attributes": {}}]}"#,
         .duplicateAddress, #"resources[1]: address "a" appears more than once"#),
    ])
    func everyBrokenFileGetsOneErrorNamingTheFileAndTheProblem(text: String, code: StateError.Code, message: String) {
        let error = Self.decodeError(text)
        #expect(error?.code == code)
        #expect(error?.description.hasPrefix("state/dev.json: ") == true)
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "no error")")
    }

    @Test func hostileBytesNeverTrap() {
        for text in ["\u{0}\u{1}garbage", "{\"format_version\": 1e400}", String(repeating: "[", count: 100_000), "null", "\"x\""] {
            #expect(Self.decodeError(text) != nil)
        }
    }
}
