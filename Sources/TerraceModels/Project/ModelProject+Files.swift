import Foundation

extension ModelProject {
    /// Loads `<root>/silver/*.sql`, `<root>/gold/*.sql` and `<root>/tests/*.sql`, in sorted order;
    /// files are named `<root>/<directory>/<file>` in errors.
    public static func load(root: String) throws(ModelErrors) -> ModelProject {
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        var files: [(path: String, text: String)] = []
        var errors: [ModelError] = []
        for directory in ["silver", "gold", "tests"] {
            let folder = base + "/" + directory
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names.sorted() where name.hasSuffix(".sql") {
                let path = folder + "/" + name
                guard let data = FileManager.default.contents(atPath: path) else {
                    errors.append(ModelError(.file, file: path, "cannot be read", fix: "check the file's permissions"))
                    continue
                }
                guard let text = String(data: data, encoding: .utf8) else {
                    errors.append(ModelError(.file, file: path, "is not UTF-8 text", fix: "save the file as UTF-8"))
                    continue
                }
                files.append((path, text))
            }
        }
        guard errors.isEmpty else { throw ModelErrors(errors) }
        return try load(files: files)
    }
}
