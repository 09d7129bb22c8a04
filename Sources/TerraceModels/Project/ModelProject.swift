/// The silver and gold models and the data tests of a `pipelines/` directory, validated: headers
/// read, references to models resolved, names unique, no cycles.
///
/// Loading is pure apart from reading the files; compiling against an environment
/// (``compile(_:)``) resolves sources and variables and checks the SQL's syntax.
public struct ModelProject: Hashable, Sendable {
    /// Sorted by layer, then name.
    public var models: [Model]
    /// Header tests in their models' order, then custom tests by name.
    public var tests: [DataTest]

    /// The model named `name`.
    public func model(named name: String) -> Model? {
        models.first { $0.name == name }
    }

    /// The tests that belong to `model` (declared in its header).
    public func tests(of model: String) -> [DataTest] {
        tests.filter { $0.model == model }
    }

    /// Loads `files` (path and text): `…/silver/*.sql` and `…/gold/*.sql` are models, `…/tests/*.sql`
    /// custom tests; other files are ignored. Every problem is collected before failing.
    public static func load(files: [(path: String, text: String)]) throws(ModelErrors) -> ModelProject {
        var loader = ProjectLoader()
        for (path, text) in files.sorted(by: { $0.path < $1.path }) {
            let components = path.split(separator: "/")
            guard path.hasSuffix(".sql"), components.count >= 2 else { continue }
            let name = String(components[components.count - 1].dropLast(4))
            switch components[components.count - 2] {
            case "silver": loader.addModel(name: name, layer: .silver, file: path, text: text)
            case "gold": loader.addModel(name: name, layer: .gold, file: path, text: text)
            case "tests": loader.addCustomTest(name: name, file: path, text: text)
            default: continue
            }
        }
        return try loader.finish()
    }
}
