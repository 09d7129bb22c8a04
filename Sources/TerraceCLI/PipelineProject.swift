import ArgumentParser
import TerraceDSL
import TerraceEngine
import TerraceJSON
import TerraceModels
import TerracePipelines

/// The platform's pipelines in one environment: the bronze sources declared in Swift and the
/// SQL models and data tests under `pipelines/`, loaded, put in one DAG and compiled against
/// the environment (its project, the layers' datasets from the infra stack, its variables).
struct PipelineProject {
    let bronze: Bronze
    let models: ModelProject
    let graph: ModelGraph
    let compiled: CompiledProject

    /// Where the models live, relative to the project directory.
    static let directory = "pipelines"

    /// Loads and compiles the pipelines; every problem of the models is reported at once, each
    /// at its file, line and column.
    static func load(environment: Environment, resources: [Resource], projectDirectory: String = ".") throws -> PipelineProject {
        let bronze = Declarations.bronze(environment)
        let root = projectDirectory == "." ? directory : "\(projectDirectory)/\(directory)"
        let models: ModelProject
        do {
            models = try ModelProject.load(root: root)
        } catch {
            throw EngineError(problems(error, "in the models under \(directory)/"))
        }
        let graph = models.graph(sources: bronze.sources.map(\.name))
        var datasets: [Layer: String] = [:]
        for (layer, key) in [(Layer.bronze, bronze.dataset), (.silver, "silver"), (.gold, "gold")] {
            datasets[layer] = resources.first { $0.address == Address("dataset.\(key)") }?.attributes["datasetReference"]?["datasetId"]?.stringValue
        }
        for layer in [Layer.silver, .gold] where datasets[layer] == nil {
            if let model = models.models.first(where: { $0.layer == layer }) {
                throw EngineError("\(model.file): \(layer.rawValue) models are built in dataset.\(layer.rawValue), which infra/ does not declare; "
                                      + "declare Dataset(\"\(layer.rawValue)\", …) in infra/")
            }
        }
        let context = CompileContext(project: environment.project, datasets: datasets, bronzeTables: bronze.sources.map(\.name),
                                     variables: environment.variables)
        do {
            let compiled = try models.compile(context)
            return PipelineProject(bronze: bronze, models: models, graph: graph, compiled: compiled)
        } catch {
            throw EngineError(problems(error, "compiling the models for environment \(environment.name)"))
        }
    }

    private static func problems(_ errors: ModelErrors, _ context: String) -> String {
        let count = errors.errors.count
        return errors.description + "\n\(count) problem\(count == 1 ? "" : "s") \(context); nothing was changed"
    }

    /// The models materialized as views, as plan resources (`table.<layer>.<name>`), each
    /// depending on the views it reads.
    var views: [View] {
        let viewNames = Set(compiled.models.filter { $0.model.config.materialization == .view }.map(\.model.name))
        return compiled.models.filter { viewNames.contains($0.model.name) }.map { compiled in
            let model = compiled.model
            var view = View(model.name, in: model.layer.rawValue, tableID: model.name, query: compiled.sql,
                            description: model.config.description, fileID: model.file, filePath: model.file, line: 1)
            view.dependsOn = model.dependencies.compactMap { node in
                guard case .model(let name) = node, viewNames.contains(name), let upstream = self.models.model(named: name) else { return nil }
                return .table(upstream.layer.rawValue, name)
            }
            return view
        }
    }

    /// The models' lineage for `terrace graph`: each bronze source (`source.NAME`, read from the
    /// bronze dataset) and model (`model.NAME`) with what it reads and the dataset it lives in.
    var lineage: [(id: String, dependencies: [String])] {
        let sources = bronze.sources.map { ("source.\($0.name)", ["dataset.\(bronze.dataset)"]) }
        let models = self.models.models.map { model -> (String, [String]) in
            let reads = model.dependencies.map { node -> String in
                if case .source(let name) = node { return "source.\(name)" }
                return "model.\(node.name)"
            }
            return ("model.\(model.name)", ["dataset.\(model.layer.rawValue)"] + reads.sorted())
        }
        return models.isEmpty ? [] : sources + models
    }

    /// The nodes `selections` choose (everything without one), in the DAG's order.
    func select(_ selections: [String]) throws -> [NodeID] {
        do {
            return try graph.select(selections)
        } catch {
            // A usage error (exit 64), as the command line's own.
            throw ArgumentParser.ValidationError("--select: " + error.description)
        }
    }

    /// The bronze sources among `nodes`, in declaration order.
    func sources(in nodes: [NodeID]) -> [Source] {
        let names = Set(nodes.compactMap { node -> String? in
            if case .source(let name) = node { return name }
            return nil
        })
        return bronze.sources.filter { names.contains($0.name) }
    }
}
