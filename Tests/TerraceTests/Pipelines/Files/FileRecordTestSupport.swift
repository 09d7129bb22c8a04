import Foundation
import TerraceJSON
import TerracePipelines
import TerraceProcess

/// What one read produced: the records in order, the bad records, and each batch's size.
struct FileRecordReadResult {
    var records: [JSON] = []
    var bad: [BadRecord] = []
    var batchSizes: [Int] = []
}

/// A fresh temporary directory holding `name` with `bytes`; answers the file's path.
func fileRecordFixture(_ name: String, _ bytes: [UInt8]) throws -> String {
    let path = makeTemporaryDirectory("file-records") + "/" + name
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

func fileRecordFixture(_ name: String, _ text: String) throws -> String {
    try fileRecordFixture(name, Array(text.utf8))
}

/// Reads the whole file, collecting everything.
func fileRecordRead(_ reader: FileRecordReader, _ path: String) throws -> FileRecordReadResult {
    var result = FileRecordReadResult()
    try reader.read(path: path) { batch in
        result.batchSizes.append(batch.count)
        result.records.append(contentsOf: batch)
    } bad: { record in
        result.bad.append(record)
    }
    return result
}

/// The FileReadError a read throws (nil when it does not throw one).
func fileRecordError(_ reader: FileRecordReader, _ path: String) -> FileReadError? {
    do {
        _ = try fileRecordRead(reader, path)
        return nil
    } catch let error as FileReadError {
        return error
    } catch {
        return nil
    }
}

/// Makes `archive` in `directory` from the files named (relative paths, already written there)
/// with Info-ZIP's `zip` (`options` such as `-0` stored, `-9` deflated, `-fz` ZIP64), or with
/// python3's zipfile module when `zip` is not installed.
func fileRecordZip(in directory: String, archive: String, members: [String], options: [String]) throws -> String {
    let command: (executable: String, arguments: [String])
    if FileManager.default.isExecutableFile(atPath: "/usr/bin/zip") {
        command = ("/usr/bin/zip", ["-q", "-X"] + options + [archive] + members)
    } else {
        let stored = options.contains("-0")
        let script = """
            import sys, zipfile
            method = zipfile.ZIP_STORED if sys.argv[1] == "stored" else zipfile.ZIP_DEFLATED
            with zipfile.ZipFile(sys.argv[2], "w", method) as z:
                for name in sys.argv[3:]:
                    z.write(name)
            """
        command = ("/usr/bin/env", ["python3", "-c", script, stored ? "stored" : "deflated", archive] + members)
    }
    let made = try ChildProcess.run(command.executable, command.arguments, directory: directory)
    guard made.termination == .exited(0) else {
        throw FileReadError(.unreadable, path: archive, message: "making the zip fixture failed (\(made.termination.status)): \(made.output)")
    }
    return directory + "/" + archive
}

/// Writes `files` (relative path → text) into a new directory and zips them.
func fileRecordZipFixture(_ files: [(String, String)], options: [String]) throws -> String {
    let directory = makeTemporaryDirectory("file-records-zip")
    for (name, text) in files {
        let path = directory + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
    return try fileRecordZip(in: directory, archive: "archive.zip", members: files.map(\.0), options: options)
}
